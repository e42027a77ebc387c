#!/usr/bin/env python3
"""Subprocess spawn (and, with --pipes, pipe throughput), for CPython asyncio or uvloop.

The workloads of org.jasyncio.examples.bench.SubprocessBench, printed in the same format (one
"name value" line per metric and measured repetition, after warm-up repetitions):

    spawn200_wall_ms             200 concurrent `true` children (--children), spawned with
                                 create_subprocess_exec under one gather and reaped with wait():
                                 wall time; stdin, stdout and stderr are /dev/null
    spawn200_children_per_s      the same as children per second
    with --pipes:
    cat_protocol_mib_per_s       --mib MiB (default 128) through `cat` with a SubprocessProtocol
    cat_protocol_cpu_ms_per_mib  this process's CPU time per MiB moved (not cat's)
    cat_communicate_mib_per_s    the same bytes through Process.communicate()

    /usr/bin/python3 bench/python/subprocess_bench.py
    /usr/bin/python3 bench/python/subprocess_bench.py --uvloop --pipes
"""
import argparse
import asyncio
import os
import time

DEVNULL = asyncio.subprocess.DEVNULL
PIPE = asyncio.subprocess.PIPE
WRITE_SIZE = 256 * 1024


async def spawn_run(n):
    async def child():
        proc = await asyncio.create_subprocess_exec("true", stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL)
        return await proc.wait()

    t0 = time.perf_counter()
    codes = await asyncio.gather(*[child() for _ in range(n)])
    elapsed = time.perf_counter() - t0
    assert all(c == 0 for c in codes), codes
    return elapsed


class Counter(asyncio.SubprocessProtocol):
    def __init__(self):
        self.received = 0
        self.done = asyncio.get_running_loop().create_future()
        self.paused = False
        self.resumed = None

    def pipe_data_received(self, fd, data):
        self.received += len(data)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        if self.resumed is not None and not self.resumed.done():
            self.resumed.set_result(None)

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(None)


async def cat_protocol(data):
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    transport, p = await loop.subprocess_exec(Counter, "cat", stderr=None)
    stdin = transport.get_pipe_transport(0)
    view = memoryview(data)
    for off in range(0, len(data), WRITE_SIZE):
        stdin.write(view[off:off + WRITE_SIZE])
        if p.paused:
            p.resumed = loop.create_future()
            await p.resumed
    stdin.close()
    await p.done
    transport.close()
    assert p.received == len(data), p.received
    return len(data) / 1048576 / (time.perf_counter() - t0)


async def cat_communicate(data):
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
    out, _ = await proc.communicate(data)
    assert len(out) == len(data), len(out)
    return len(data) / 1048576 / (time.perf_counter() - t0)


def emit(name, value):
    print(f"{name} {value:.2f}", flush=True)


async def main(args):
    n = args.children
    for _ in range(args.warmup):
        await spawn_run(n)
    for _ in range(args.reps):
        s = await spawn_run(n)
        emit(f"spawn{n}_wall_ms", s * 1e3)
        emit(f"spawn{n}_children_per_s", n / s)
    if args.pipes:
        data = os.urandom(args.mib * 1048576)
        for _ in range(args.warmup):
            await cat_protocol(data)
        for _ in range(args.reps):
            cpu0 = time.process_time()
            emit("cat_protocol_mib_per_s", await cat_protocol(data))
            emit("cat_protocol_cpu_ms_per_mib", (time.process_time() - cpu0) * 1e3 / args.mib)
        for _ in range(args.warmup):
            await cat_communicate(data)
        for _ in range(args.reps):
            emit("cat_communicate_mib_per_s", await cat_communicate(data))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--uvloop", action="store_const", const="uvloop", dest="loop", help="same as --loop uvloop")
    p.add_argument("--quick", action="store_true", help="3 repetitions after 2 warm-ups")
    p.add_argument("--children", type=int, default=200)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--pipes", action="store_true", help="also measure cat throughput")
    p.add_argument("--mib", type=int, default=128)
    a = p.parse_args()
    if a.quick:
        a.reps, a.warmup = 3, 2
    if a.loop == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(a))
