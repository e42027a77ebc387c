"""The core workloads (switch, spawn, parked memory) for CPython asyncio and uvloop.

The same workloads, sizes and structure as benchmarks/.../CoreWorkloads.java:

  switch  N tasks each doing M ``await asyncio.sleep(0)``, gathered: ns per switch.
  spawn   create K distinct coroutines and run them as tasks through one gather: ns per task
          (coroutine creation included; gather runs an awaitable given twice once, so the
          coroutines are distinct objects).
  parked  P tasks waiting on one asyncio.Event: bytes per parked task, measured two ways:
          parked_bytes      with tracemalloc: every block Python's allocators hand out, after
                            gc.collect(); the counterpart of the JVM's heap in use after a full GC.
          parked_rss_bytes  the process's resident set growth, measured in a separate pass
                            without tracemalloc (whose own bookkeeping would inflate RSS); it
                            also counts allocator slack and fragmentation.
"""
import asyncio
import gc
import os
import time
import tracemalloc

from _common import emit, parser, setup_loop


def switch_ns(tasks, switches):
    async def worker():
        for _ in range(switches):
            await asyncio.sleep(0)

    async def main():
        coros = [worker() for _ in range(tasks)]
        t0 = time.perf_counter_ns()
        await asyncio.gather(*coros)
        return time.perf_counter_ns() - t0

    gc.collect()
    return asyncio.run(main()) / (tasks * switches)


def spawn_ns(n):
    async def child(k):
        return k

    async def main():
        t0 = time.perf_counter_ns()
        results = await asyncio.gather(*[child(i) for i in range(n)])
        t1 = time.perf_counter_ns()
        assert len(results) == n and results[-1] == n - 1
        return t1 - t0

    gc.collect()
    return asyncio.run(main()) / n


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def parked_bytes(n, use_tracemalloc):
    async def main():
        gc.collect()
        if use_tracemalloc:
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
        else:
            before = _rss_bytes()
        ev = asyncio.Event()
        tasks = [asyncio.create_task(ev.wait()) for _ in range(n)]
        await asyncio.sleep(0)  # every task runs its first step and parks on the event
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_bytes()
        if use_tracemalloc:
            tracemalloc.stop()
        ev.set()
        await asyncio.gather(*tasks)
        return (after - before) / n

    return asyncio.run(main())


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=1000)
    p.add_argument("--switches", type=int, default=10_000)
    p.add_argument("--spawn", type=int, default=1_000_000)
    p.add_argument("--parked", type=int, default=1_000_000)
    p.add_argument("--only", default="switch,spawn,parked")
    args = p.parse_args()
    setup_loop(args)
    if "switch" in args.only:
        for _ in range(args.warmup):
            switch_ns(args.tasks, args.switches)
        for _ in range(args.reps):
            emit("switch_ns", switch_ns(args.tasks, args.switches))
    if "spawn" in args.only:
        for _ in range(args.warmup):
            spawn_ns(args.spawn)
        for _ in range(args.reps):
            emit("spawn_ns", spawn_ns(args.spawn))
    if "parked" in args.only:
        # RSS first, in a process that has not yet grown its heap for these tasks.
        emit("parked_rss_bytes", parked_bytes(args.parked, False))
        for _ in range(max(1, min(args.reps, 2))):
            emit("parked_bytes", parked_bytes(args.parked, True))


if __name__ == "__main__":
    main()
