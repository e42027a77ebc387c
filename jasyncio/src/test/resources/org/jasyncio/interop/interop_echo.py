"""CPython asyncio peers for jasyncio's interop tests.

    interop_echo.py server [--cert CERT --key KEY]         echo server; prints "PORT <n>"
    interop_echo.py client HOST PORT [--cafile F]           echo client; prints "OK ..." on success

The server echoes until the client half-closes, then closes its side (asyncio's stream
echo server). The client sends payloads of several sizes, checks each echo, half-closes
(plain TCP) and expects the server to close.
"""
import asyncio
import os
import ssl
import sys


async def echo(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass


async def serve(args):
    ctx = None
    if args and args[0] == "--cert":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[1], args[3])
    server = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=ctx)
    port = server.sockets[0].getsockname()[1]
    print("PORT", port, flush=True)
    async with server:
        await server.serve_forever()


async def client(host, port, args):
    ctx = None
    if args and args[0] == "--cafile":
        ctx = ssl.create_default_context(cafile=args[1])
    reader, writer = await asyncio.open_connection(host, port, ssl=ctx,
                                                   server_hostname="localhost" if ctx else None)
    total = 0
    for size in (1, 100, 65536, 1_000_000):
        payload = os.urandom(size)
        writer.write(payload)
        await writer.drain()
        back = await reader.readexactly(size)
        if back != payload:
            print("MISMATCH at size", size, flush=True)
            sys.exit(1)
        total += size
    extra = ""
    if ctx is not None:
        extra = " " + writer.get_extra_info("ssl_object").version()
        writer.close()
        await writer.wait_closed()
    else:
        writer.write_eof()
        rest = await reader.read()
        if rest != b"":
            print("UNEXPECTED", len(rest), flush=True)
            sys.exit(1)
        writer.close()
        await writer.wait_closed()
    print("OK", total, extra.strip(), flush=True)


def main():
    if sys.argv[1] == "server":
        asyncio.run(serve(sys.argv[2:]))
    else:
        asyncio.run(client(sys.argv[2], int(sys.argv[3]), sys.argv[4:]))


if __name__ == "__main__":
    main()
