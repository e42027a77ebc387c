"""pyperformance's async_tree benchmark, for CPython asyncio and uvloop.

Written from the benchmark's description (not copied): asyncio.gather (or a TaskGroup) over
a tree 6 levels deep with 6 branches per level (6**6 = 46,656 leaves); each leaf does the
variant's work:

  none          nothing
  io            a mock I/O call: await asyncio.sleep(0.05)
  memoization   data = random.randint(1, 100); values <= 90 are memoized (first sight: record
                it and make the I/O call; later: return at once); values > 90 always do I/O
  cpu_io_mixed  with probability 0.5 math.factorial(500), else what memoization does

As in pyperformance, one tree object (random seeded with 0 and the memo cache) lives for the
whole process and runs again for every repetition. The "eager" variants install
asyncio.eager_task_factory on the loop (Python 3.12+); on older Pythons they are skipped
and the script says so on stderr. Prints ``tree_<leaf>_<variant>_ms value`` per repetition.
"""
import asyncio
import math
import random
import sys
import time

from _common import emit, parser, setup_loop

LEVELS = 6
BRANCHES = 6
IO_SLEEP = 0.05
MEMOIZABLE_PERCENT = 90
CPU_PROBABILITY = 0.5
FACTORIAL_N = 500


class AsyncTree:
    def __init__(self, leaf, task_groups, eager):
        self.leaf = leaf
        self.task_groups = task_groups
        self.eager = eager
        self.cache = {}
        self.leaves = 0
        random.seed(0)

    async def mock_io_call(self):
        await asyncio.sleep(IO_SLEEP)

    async def memoized(self):
        data = random.randint(1, 100)
        if data <= MEMOIZABLE_PERCENT:
            if self.cache.get(data):
                return data
            self.cache[data] = True
        await self.mock_io_call()
        return data

    async def workload(self):
        self.leaves += 1
        if self.leaf == "none":
            return None
        if self.leaf == "io":
            await self.mock_io_call()
            return None
        if self.leaf == "memoization":
            return await self.memoized()
        if random.random() < CPU_PROBABILITY:
            return math.factorial(FACTORIAL_N)
        return await self.memoized()

    async def recurse_with_gather(self, level):
        if level == 0:
            return await self.workload()
        return await asyncio.gather(*[self.recurse_with_gather(level - 1) for _ in range(BRANCHES)])

    async def recurse_with_task_group(self, level):
        if level == 0:
            return await self.workload()
        async with asyncio.TaskGroup() as tg:
            for _ in range(BRANCHES):
                tg.create_task(self.recurse_with_task_group(level - 1))

    async def main(self):
        if self.eager:
            asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        t0 = time.perf_counter_ns()
        if self.task_groups:
            await self.recurse_with_task_group(LEVELS)
        else:
            await self.recurse_with_gather(LEVELS)
        return (time.perf_counter_ns() - t0) / 1e6

    def run_once(self):
        return asyncio.run(self.main())


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--leaves", default="none,io,memoization,cpu_io_mixed")
    p.add_argument("--variants", default="gather,tg,eager,eager_tg")
    args = p.parse_args()
    setup_loop(args)
    for leaf in args.leaves.split(","):
        for variant in args.variants.split(","):
            eager = variant.startswith("eager")
            if eager and not hasattr(asyncio, "eager_task_factory"):
                print(f"skipped tree_{leaf}_{variant}: asyncio.eager_task_factory needs Python 3.12+, "
                      f"this is {sys.version.split()[0]}", file=sys.stderr)
                continue
            tree = AsyncTree(leaf, variant.endswith("tg"), eager)
            for _ in range(args.warmup):
                tree.run_once()
            before = tree.leaves
            for _ in range(args.reps):
                emit(f"tree_{leaf}_{variant}_ms", tree.run_once())
            assert tree.leaves - before == BRANCHES ** LEVELS * args.reps


if __name__ == "__main__":
    main()
