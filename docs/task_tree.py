"""The task-tree example in Python 3.14, to compare `python -m asyncio ps/pstree PID`
with `java -jar jasyncio.jar ps/pstree PID` (examples/.../diag/TaskTree.java)."""
import asyncio
import os
import sys


async def fetch(i, seconds):
    await asyncio.sleep(seconds)


async def worker(i, seconds):
    await asyncio.create_task(fetch(i, seconds), name=f"fetch-{i}")


async def main(seconds):
    await asyncio.gather(*(asyncio.create_task(worker(i, seconds), name=f"worker-{i}")
                           for i in (1, 2, 3)))


if __name__ == "__main__":
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "--seconds" else 60
    print("pid", os.getpid(), flush=True)
    asyncio.run(main(seconds))
