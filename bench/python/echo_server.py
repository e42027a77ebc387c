"""The asyncio / uvloop echo servers of the echo benchmark.

  echo_server.py --port P [--protocol] [--uvloop] [--tls --cert CERT_PEM --key KEY_PEM]

Streams (default): asyncio.start_server; each connection reads up to 64 KiB with
reader.read(), writes it back and awaits writer.drain(). Protocol (--protocol): a Protocol
whose data_received() calls transport.write(data). asyncio and uvloop both set TCP_NODELAY
on TCP transports. --tls serves TLS with the standard library's ssl module (OpenSSL) through
the loop's own TLS layer (asyncio's sslproto, uvloop's sslproto), same handlers. Listens on
127.0.0.1 and prints "listening PORT" when ready.
"""
import argparse
import asyncio
import ssl
import sys


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(args):
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
    if args.protocol:
        server = await loop.create_server(EchoProtocol, "127.0.0.1", args.port, backlog=4096, ssl=ctx)
    else:
        server = await asyncio.start_server(handle, "127.0.0.1", args.port, backlog=4096, ssl=ctx)
    print("listening", args.port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--protocol", action="store_true")
    p.add_argument("--uvloop", action="store_true")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()
    if a.tls and not (a.cert and a.key):
        p.error("--tls needs --cert and --key")
    if a.uvloop:
        try:
            import uvloop
        except ImportError:
            sys.exit("uvloop is not installed (Debian: apt-get install -y python3-uvloop)")
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        asyncio.run(main(a))
    except KeyboardInterrupt:
        pass
