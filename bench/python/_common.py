"""Shared helpers for the Python side of the jasyncio benchmark suite.

Every script prints one ``metric value`` line per measured repetition, the format that
bench/harness.py reads; the same format the Java drivers in benchmarks/ print.
"""
import argparse
import asyncio
import sys


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's own loop")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured repetitions first")
    p.add_argument("--reps", type=int, default=3, help="measured repetitions")
    return p


def setup_loop(args):
    """Installs uvloop's policy when asked; exits with a clear message if it is missing."""
    if args.uvloop:
        try:
            import uvloop
        except ImportError:
            sys.exit("uvloop is not installed (Debian: apt-get install -y python3-uvloop)")
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def emit(metric, value):
    print(f"{metric} {value:.3f}", flush=True)
