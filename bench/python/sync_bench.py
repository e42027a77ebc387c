#!/usr/bin/env python3
"""Queue throughput and lock handoff, for CPython asyncio or uvloop.

The same workloads as org.jasyncio.examples.bench.SyncBench, printed in the same
format (one "name value" line per workload, value in operations per second, the
median of --rounds timed runs after one warm-up run):

    queue_1x1   items/s through a Queue(100): 1 producer, 1 consumer
    queue_10x10 items/s through a Queue(100): 10 producers, 10 consumers
    lock_100    acquisitions/s of one Lock by 100 tasks, each holding it across a sleep(0)

    /usr/bin/python3 bench/python/sync_bench.py --loop asyncio
    /usr/bin/python3 bench/python/sync_bench.py --loop uvloop
"""
import argparse
import asyncio
import statistics
import time


async def queue_run(producers, consumers, items, maxsize=100):
    q = asyncio.Queue(maxsize)
    per_producer = items // producers
    per_consumer = items // consumers

    async def produce():
        put = q.put
        for i in range(per_producer):
            await put(i)

    async def consume():
        get = q.get
        for _ in range(per_consumer):
            await get()

    t0 = time.perf_counter()
    await asyncio.gather(*[produce() for _ in range(producers)],
                         *[consume() for _ in range(consumers)])
    elapsed = time.perf_counter() - t0
    assert q.empty()
    return items / elapsed


async def lock_run(tasks, per_task):
    lock = asyncio.Lock()
    sleep = asyncio.sleep

    async def worker():
        for _ in range(per_task):
            async with lock:
                await sleep(0)

    t0 = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(tasks)])
    elapsed = time.perf_counter() - t0
    assert not lock.locked()
    return tasks * per_task / elapsed


async def median_of(rounds, make):
    await make()  # warm-up
    return statistics.median([await make() for _ in range(rounds)])


async def main(args):
    n = args.items
    results = {
        "queue_1x1_items_per_s": await median_of(args.rounds, lambda: queue_run(1, 1, n)),
        "queue_10x10_items_per_s": await median_of(args.rounds, lambda: queue_run(10, 10, n)),
        "lock_100_acquisitions_per_s": await median_of(args.rounds, lambda: lock_run(100, args.acquisitions // 100)),
    }
    for name, value in results.items():
        print(f"{name} {value:.0f}", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--uvloop", action="store_const", const="uvloop", dest="loop", help="same as --loop uvloop")
    p.add_argument("--quick", action="store_true", help="200,000 items and acquisitions, 3 rounds")
    p.add_argument("--items", type=int, default=200_000, help="items per queue run")
    p.add_argument("--acquisitions", type=int, default=100_000, help="lock acquisitions per run")
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    if a.quick:
        a.items, a.acquisitions, a.rounds = 200_000, 200_000, 3
    if a.loop == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(a))
