"""CPython asyncio echo servers for sanity measurements against jasyncio's echo-server.

    asyncio_echo_server.py PORT streams|protocol [uvloop]
"""
import asyncio
import sys


async def handle(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        self.transport.close()
        return True


async def main(port, mode):
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    else:
        server = await loop.create_server(Echo, "127.0.0.1", port, backlog=1024)
    print("serving", mode, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[3] == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
