"""The asyncio / uvloop echo servers of the echo benchmark.

  echo_server.py --port P [--protocol] [--uvloop] [--tls --cert CERT_PEM --key KEY_PEM]
                 [--work-us U] [--processes N]

Streams (default): asyncio.start_server; each connection reads up to 64 KiB with
reader.read(), writes it back and awaits writer.drain(). Protocol (--protocol): a Protocol
whose data_received() calls transport.write(data). asyncio and uvloop both set TCP_NODELAY
on TCP transports. --tls serves TLS with the standard library's ssl module (OpenSSL) through
the loop's own TLS layer (asyncio's sslproto, uvloop's sslproto), same handlers. Listens on
127.0.0.1 and prints "listening PORT" when ready.

--work-us U spins U microseconds of CPU per request (each read) before the echo, as
jasyncio's echo-server --work-us does. --processes N forks N-1 more processes, each with its
own loop and its own listening socket on the same port (SO_REUSEPORT: the kernel spreads
the connections), the way uvloop users scale past one core; they share the first process's
process group, so killing the group stops them all.
"""
import argparse
import asyncio
import os
import ssl
import sys
import time

WORK_NS = 0


def work():
    """The modelled CPU work of one request: a busy loop of WORK_NS nanoseconds."""
    if WORK_NS:
        end = time.perf_counter_ns() + WORK_NS
        while time.perf_counter_ns() < end:
            pass


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        work()
        self.transport.write(data)


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            work()
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
    reuse = args.processes > 1 or None
    if args.protocol:
        server = await loop.create_server(EchoProtocol, "127.0.0.1", args.port, backlog=4096, ssl=ctx,
                                          reuse_port=reuse)
    else:
        server = await asyncio.start_server(handle, "127.0.0.1", args.port, backlog=4096, ssl=ctx, reuse_port=reuse)
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
    p.add_argument("--work-us", type=int, default=0)
    p.add_argument("--processes", type=int, default=1)
    a = p.parse_args()
    WORK_NS = a.work_us * 1000
    for _ in range(a.processes - 1):
        if os.fork() == 0:
            break  # a child: serve like the parent, on its own socket
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
