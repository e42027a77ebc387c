"""The jasyncio benchmark harness: runs every workload for every installed system in one run,
interleaved, and rewrites BENCHMARKS.md. Started by bench/run.sh, which builds what it needs first.

  harness.py [--quick] [--groups core,tree,sync,subprocess,echo,loops] [--rounds N] [--no-report]

Each (group, system) command in bench/workloads.conf prints "metric value" lines; each echo
server in bench/echo-servers.conf is measured with the C load client (bench/echo.py), over
plain TCP (group echo-plain) and TLS (group echo-tls); "echo" selects both; "loops" (group
echo-loops) runs the many-cores rows (1 and 2 loops, 50 us of work per request). Rounds interleave the
systems (their order rotates every round) so that machine drift hits all of them alike.
Every figure is the median of all its values (repetitions x rounds), with min-max spread;
ratios are taken between medians of the same run.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

import echo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
OUT = os.path.join(BENCH, "out")
BUILD = os.path.join(BENCH, "build")
JAR = "benchmarks/target/benchmarks.jar"
CHART = "docs/benchmarks-ratios.png"

JASYNCIO_FLAGS = "--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false"
# Why these: see BENCHMARKS.md "JVM flags". AlwaysPreTouch faults the heap in at start-up, so
# that first-touch page faults are not billed to the first workload that allocates.
TUNED = "-XX:+UseParallelGC -Xms4g -Xmx4g -Xmn3g -XX:+AlwaysPreTouch"
ECHO_JVM = "-XX:+UseParallelGC -Xms1g -Xmx1g"

MODES = {
    "quick": {
        # Echo: one round of each server, plain and TLS (19 servers at about 6 s each); the full
        # run gives the spread.
        "rounds": {"core": 2, "tree": 1, "sync": 2, "subprocess": 2, "echo": 1, "echo-tls": 1, "echo-loops": 1},
        "CORE": "--tasks 1000 --switches 1000 --spawn 200000 --parked 200000",
        "TREE": "--leaves none,io,memoization,cpu_io_mixed",
        "SYNC": "--quick",
        "PROC": "--quick",
        "JREPS": {"core": "--warmup 1 --reps 2", "tree": "--warmup 5 --reps 3"},
        "PREPS": {"core": "--warmup 0 --reps 2", "tree": "--warmup 1 --reps 2"},
        "echo": {"configs": [(100, 1024)], "server_warmup": 2.0, "warmup": 0.5, "measure": 2.0},
        "timeout": 300,
    },
    "full": {
        # Echo over TLS gets two rounds, so that the full run stays under 30 minutes with
        # 19 echo servers (about 26 s each: start, 3 s warm-up, 6 configurations of 1 + 2 s).
        "rounds": {"core": 3, "tree": 2, "sync": 3, "subprocess": 3, "echo": 3, "echo-tls": 2, "echo-loops": 3},
        "CORE": "--tasks 1000 --switches 10000 --spawn 1000000 --parked 1000000",
        "TREE": "--leaves none,io,memoization,cpu_io_mixed",
        "SYNC": "",
        "PROC": "",
        "JREPS": {"core": "--warmup 2 --reps 2", "tree": "--warmup 6 --reps 3"},
        "PREPS": {"core": "--warmup 0 --reps 1", "tree": "--warmup 1 --reps 3"},
        "echo": {"configs": [(1, 1024), (100, 1024), (1000, 1024), (1, 65536), (100, 65536), (1000, 65536)],
                 "server_warmup": 3.0, "warmup": 1.0, "measure": 2.0},
        "timeout": 900,
    },
}

# The targets of issues 2, 3, 4 and 6: (metric, subject, kind, bound, peer, label).
# kind: "le"/"ge" compare the subject's median with bound; "speedup" needs subject >= bound x
# better than peer; "ratio_of" needs the subject's figure >= bound x the peer's (rates).
TARGETS = [
    ("switch_ns", "jasyncio", "le", 150, None, "switch <= 150 ns"),
    ("switch_ns", "jasyncio", "speedup", 8, "asyncio", "switch >= 8x CPython asyncio"),
    ("switch_ns", "jasyncio", "speedup", 4, "uvloop", "switch >= 4x uvloop"),
    ("spawn_ns", "jasyncio", "le", 1000, None, "spawn <= 1 us"),
    ("spawn_ns", "jasyncio", "speedup", 10, "asyncio", "spawn >= 10x CPython asyncio"),
    ("spawn_ns", "jasyncio", "speedup", 10, "uvloop", "spawn >= 10x uvloop"),
    ("parked_bytes", "jasyncio", "le", 1024, None, "parked task <= 1 KiB"),
]
for _leaf in ("none", "memoization"):
    for _v in ("gather", "tg"):
        TARGETS.append((f"tree_{_leaf}_{_v}_ms", "jasyncio", "speedup", 10, "asyncio",
                        f"async_tree {_leaf} ({_v}) >= 10x CPython asyncio"))
        TARGETS.append((f"tree_{_leaf}_{_v}_ms", "jasyncio", "speedup", 5, "uvloop",
                        f"async_tree {_leaf} ({_v}) >= 5x uvloop"))
TARGETS += [
    ("echo_c100_1k_rps", "jasyncio-streams", "ratio_of", 0.9, "c-epoll", "echo 100x1KiB streams >= 0.9x C ceiling"),
    ("echo_c100_1k_rps", "jasyncio-streams", "ratio_of", 1.0, "uvloop-streams", "echo 100x1KiB streams >= uvloop streams"),
    ("echo_c100_1k_rps", "jasyncio-protocol", "ratio_of", 0.95, "c-epoll", "echo 100x1KiB protocol >= 0.95x C ceiling"),
    ("echo_c100_1k_rps", "jasyncio-protocol", "ratio_of", 1.0, "netty", "echo 100x1KiB protocol >= Netty"),
    ("echo_c100_1k_cpu_us_per_req", "jasyncio-protocol", "speedup", 1.0, "netty", "server CPU per request <= Netty's"),
    # Bulk I/O (issue 14): 64 KiB messages, the reference and Netty; TLS latency under load.
    ("echo_c100_64k_rps", "jasyncio-protocol", "ratio_of", 1.0, "netty", "echo 100x64KiB protocol >= Netty"),
    ("echo_c100_64k_rps", "jasyncio-buffered", "ratio_of", 1.0, "netty", "echo 100x64KiB BufferedProtocol >= Netty"),
    ("echo_c100_64k_rps", "jasyncio-streams", "ratio_of", 0.9, "netty", "echo 100x64KiB streams >= 0.9x Netty"),
    ("echo_c1000_64k_rps", "jasyncio-protocol", "ratio_of", 0.9, "c-epoll", "echo 1000x64KiB protocol >= 0.9x C"),
    ("echo_c1000_64k_rps", "jasyncio-buffered", "ratio_of", 0.9, "c-epoll", "echo 1000x64KiB BufferedProtocol >= 0.9x C"),
    ("echo_tls_c1000_64k_p99_us", "jasyncio-protocol", "speedup", 1.0, "netty", "TLS 1000x64KiB protocol p99 <= Netty's"),
    ("echo_tls_c1000_64k_p99_us", "jasyncio-streams", "speedup", 1.0, "netty", "TLS 1000x64KiB streams p99 <= Netty's"),
    ("spawn_ns", "jasyncio-default-gc", "le", 400, None, "spawn on the default G1 heap <= 400 ns"),
    ("parked_bytes", "jasyncio-default-gc", "le", 800, None, "parked task on the default heap <= 800 B"),
    # Many cores (issue 15): 100 x 1 KiB with 50 us of CPU work per request.
    ("echo_loops_c100_1k_rps", "jasyncio-2loops", "ratio_of", 1.6, "jasyncio-1loop",
     "echo with 50 us/request: 2 loops >= 1.6x 1 loop"),
    ("echo_loops_c100_1k_rps", "jasyncio-1loop", "ratio_of", 1.0, "netty-1thread",
     "echo with 50 us/request, 1 loop >= Netty 1 thread"),
    ("echo_loops_c100_1k_rps", "jasyncio-2loops", "ratio_of", 1.0, "netty-2threads",
     "echo with 50 us/request, 2 loops >= Netty 2 threads"),
]
SYNC_TARGET = 10  # every sync metric: >= 10x CPython asyncio (issue 3)

HEADLINE = [  # (metric, label) rows of the headline table, when measured
    ("switch_ns", "switch (ns per sleep(0) switch)"),
    ("spawn_ns", "spawn (ns per task through gather)"),
    ("parked_bytes", "parked (heap bytes per parked task)"),
    ("tree_none_gather_ms", "async_tree none, gather (ms)"),
    ("tree_none_tg_ms", "async_tree none, TaskGroup (ms)"),
    ("tree_memoization_gather_ms", "async_tree memoization, gather (ms)"),
    ("tree_io_gather_ms", "async_tree io, gather (ms)"),
    ("tree_cpu_io_mixed_gather_ms", "async_tree cpu_io_mixed, gather (ms)"),
    ("tree_none_eager_ms", "async_tree none, eager gather (ms)"),
]


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def lower_is_better(metric):
    return not (metric.endswith("_per_s") or metric.endswith("_rps"))


def speedup(metric, subject, peer):
    """How many times better the subject is than the peer (>1: the subject is better)."""
    if subject is None or peer is None or subject <= 0 or peer <= 0:
        return None
    return peer / subject if lower_is_better(metric) else subject / peer


# ---------------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------------

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:  # noqa: BLE001 - a probe that fails is reported as unknown
        return ""


def find_python312():
    cands = ["python3.14", "python3.13", "python3.12"]
    home = os.path.expanduser("~/.pyenv/versions")
    if os.path.isdir(home):
        for v in sorted(os.listdir(home), reverse=True):
            cands.append(os.path.join(home, v, "bin", "python3"))
    for c in cands:
        path = c if os.path.isabs(c) else sh(f"command -v {c}")
        if path and os.path.exists(path):
            out = sh(f"{shlex.quote(path)} -c 'import sys; print(sys.version_info >= (3, 12), sys.version.split()[0])'")
            if out.startswith("True"):
                return path, out.split()[1]
    return None, None


class Env:
    def __init__(self, java):
        self.java = java
        self.py = "/usr/bin/python3"
        self.py312, self.py312_version = find_python312()
        self.has_uvloop = subprocess.run([self.py, "-c", "import uvloop"], capture_output=True).returncode == 0
        self.node = sh("command -v node")
        self.examples = set()
        lst = os.path.join(ROOT, "examples", "examples.list")
        if os.path.exists(lst):
            for line in open(lst):
                if line.strip() and not line.startswith("#"):
                    self.examples.add(line.split("|")[0].strip())
        self.facts = {
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
            "cores": str(os.cpu_count()),
            "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
            "kernel": platform.release(),
            "jdk": sh(f"{shlex.quote(java)} -version 2>&1 | sed -n 2p"),
            "python": sh(f"{self.py} -c 'import sys; print(sys.version.split()[0])'"),
            "uvloop": sh(f"{self.py} -c 'import uvloop; print(uvloop.__version__)'") or "not installed",
            "python_eager": f"{self.py312_version} ({self.py312})" if self.py312 else "none found",
            "node": sh("node --version") or "not installed",
            "gcc": sh("gcc -dumpfullversion") or "not installed",
            "netty": sh("sed -n 's:.*<netty.version>\\(.*\\)</netty.version>.*:\\1:p' benchmarks/pom.xml"),
            "load": sh("cut -d' ' -f1-3 /proc/loadavg"),
        }

    def placeholders(self, mode, group):
        m = MODES[mode]
        return {
            "JAVA": f"{self.java} {JASYNCIO_FLAGS}", "TUNED": TUNED, "ECHO_JVM": ECHO_JVM, "JAR": JAR,
            "PY": self.py, "PY312": self.py312 or "python3.12",
            "CORE": m["CORE"], "TREE": m["TREE"], "SYNC": m["SYNC"], "PROC": m["PROC"],
            "JREPS": m["JREPS"].get(group, ""), "PREPS": m["PREPS"].get(group, ""),
        }

    def unmet(self, requires):
        """Returns (status, reason) for the first unmet requirement, or None."""
        for r in [x.strip() for x in requires.split(",") if x.strip() and x.strip() != "-"]:
            if r == "uvloop" and not self.has_uvloop:
                return "skipped", "uvloop is not importable by /usr/bin/python3 (apt-get install -y python3-uvloop failed?)"
            if r == "py312" and not self.py312:
                return "skipped", "no Python >= 3.12 found (asyncio.eager_task_factory is 3.12+; /usr/bin/python3 is " \
                                  + self.facts["python"] + ")"
            if r == "node" and not self.node:
                return "skipped", "node is not installed"
            if r == "build" and not os.path.exists(os.path.join(BUILD, "echo_client")):
                return "skipped", "the C echo binaries were not built (gcc missing?)"
            if r.startswith("example:") and r[8:] not in self.examples:
                return "pending", f"`./run-example.sh {r[8:]}` does not exist yet"
            if r.startswith("file:") and not os.path.exists(os.path.join(ROOT, r[5:])):
                return "pending", f"`{r[5:]}` does not exist yet"
        return None


def read_table(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rows.append([f.strip() for f in line.split("|", maxsplit=3)])
    return rows


def expand(cmd, ph):
    for k, v in ph.items():
        cmd = cmd.replace("{" + k + "}", v)
    return shlex.split(cmd)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------

METRIC_LINE = re.compile(r"^([a-z][a-z0-9_]*) (-?[0-9][0-9.eE+-]*)$")


class Results:
    def __init__(self):
        self.values = {}    # metric -> system -> [values]
        self.group_of = {}  # metric -> group
        self.status = {}    # (group, system) -> (status, reason)
        self.notes = []
        self.tls_info = {}  # echo server -> what its TLS connections negotiated ("TLSv1.3 CIPHER GROUP")

    def add(self, group, metric, system, value):
        self.values.setdefault(metric, {}).setdefault(system, []).append(value)
        self.group_of[metric] = group

    def median(self, metric, system):
        v = self.values.get(metric, {}).get(system)
        return statistics.median(v) if v else None


def run_workload(group, system, argv, timeout, res, logf):
    log(f"{group}/{system}: {' '.join(argv)}")
    t0 = time.time()
    try:
        p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        res.status[(group, system)] = ("failed", f"timed out after {timeout} s")
        log(f"  TIMEOUT after {timeout} s")
        return
    logf.write(f"### {group}/{system} rc={p.returncode} {time.time() - t0:.1f}s\n{p.stdout}\n{p.stderr}\n")
    n = 0
    for line in p.stdout.splitlines():
        m = METRIC_LINE.match(line.strip())
        if m:
            res.add(group, m.group(1), system, float(m.group(2)))
            n += 1
    for line in p.stderr.splitlines():
        if line.startswith("skipped "):
            note = f"{system}: {line}"
            if note not in res.notes:
                res.notes.append(note)
    if p.returncode != 0:
        tail = " | ".join(p.stderr.strip().splitlines()[-3:])
        res.status[(group, system)] = ("failed", f"exit {p.returncode}: {tail}")
        log(f"  FAILED (exit {p.returncode}): {tail}")
    else:
        res.status.setdefault((group, system), ("ran", ""))
        log(f"  {n} values in {time.time() - t0:.1f} s")


def rotate(items, k):
    if not items:
        return items
    k %= len(items)
    return items[k:] + items[:k]


def run_all(env, mode, groups, rounds_override, res):
    os.makedirs(OUT, exist_ok=True)
    logf = open(os.path.join(OUT, "raw.log"), "w")
    table = read_table(os.path.join(BENCH, "workloads.conf"))
    runnable = {}
    for group, system, req, cmd in table:
        if group not in groups:
            continue
        u = env.unmet(req)
        if u:
            res.status[(group, system)] = u
            log(f"{group}/{system}: {u[0]}: {u[1]}")
        else:
            runnable.setdefault(group, []).append((system, cmd))
    echo_todo, echo_tls_files = [], None
    if any(g in echo.GROUPS.values() for g in groups):
        echo_todo, echo_tls_files = echo.plan(env, groups, res)
    rounds = {g: rounds_override or MODES[mode]["rounds"][g] for g in groups}
    for r in range(max(rounds.values())):
        log(f"===== round {r + 1} =====")
        for group in [g for g in groups if g not in echo.GROUPS.values()]:
            if r >= rounds[group]:
                continue
            ph = env.placeholders(mode, group)
            for system, cmd in rotate(runnable.get(group, []), r):
                run_workload(group, system, expand(cmd, ph), MODES[mode]["timeout"], res, logf)
        # Plain and TLS servers in one rotating list, so drift hits both variants alike.
        todo = [t for t in echo_todo if r < rounds[echo.GROUPS[t[1]]]]
        for name, variant, cmd in rotate(todo, r):
            echo.run_server(name, expand(cmd, env.placeholders(mode, "echo")), variant, MODES[mode]["echo"], res, logf,
                            echo_tls_files)
    logf.close()


def rewrite_from(path, java):
    import report
    data = json.load(open(path))
    env = Env.__new__(Env)
    env.java = java
    env.facts = data["facts"]
    res = Results()
    res.values = data["values"]
    res.group_of = data.get("group_of") or {m: ("echo-tls" if m.startswith("echo_tls")
                                                else "echo-loops" if m.startswith("echo_loops") else "echo" if m.startswith("echo")
                                                else "tree" if m.startswith("tree")
                                                else "core") for m in res.values}
    res.notes = data.get("notes", [])
    res.tls_info = data.get("tls_info", {})
    for k, v in data["status"].items():
        g, s = k.split("/", 1)
        res.status[(g, s)] = tuple(v)
    report.write(env, res, data["mode"], data.get("command", "bench/run.sh"), data.get("elapsed", 0))
    log(f"rewrote BENCHMARKS.md from {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer rounds (under 5 minutes)")
    ap.add_argument("--groups", default="core,tree,sync,subprocess,echo", help="comma-separated groups to run: core, tree, sync, subprocess, echo (= echo-plain + echo-tls), loops (= echo-loops)")
    ap.add_argument("--rounds", type=int, default=0, help="override the rounds of every group")
    ap.add_argument("--java", required=True, help="the JDK 25 java binary")
    ap.add_argument("--command", default="bench/run.sh", help="the command line to print in the report")
    ap.add_argument("--no-report", action="store_true", help="do not rewrite BENCHMARKS.md")
    ap.add_argument("--from-results", metavar="JSON",
                    help="rewrite BENCHMARKS.md (and the chart) from a saved bench/out/results.json, running nothing")
    args = ap.parse_args()
    if args.from_results:
        rewrite_from(args.from_results, args.java)
        return
    mode = "quick" if args.quick else "full"
    groups = []
    for g in [g.strip() for g in args.groups.split(",") if g.strip()]:
        # "echo" is both variants; "echo-plain" and "echo-tls" one each.
        for x in {"echo": ["echo", "echo-tls"], "echo-plain": ["echo"], "loops": ["echo-loops"]}.get(g, [g]):
            if x not in MODES["full"]["rounds"]:
                ap.error(f"unknown group {g} (groups: core, tree, sync, subprocess, echo, echo-plain, echo-tls, loops)")
            if x not in groups:
                groups.append(x)
    env = Env(args.java)
    res = Results()
    t0 = time.time()
    log(f"{mode} run of {', '.join(groups)}; raw output in bench/out/raw.log")
    run_all(env, mode, groups, args.rounds, res)
    elapsed = time.time() - t0
    if not args.no_report:
        import report
        report.write(env, res, mode, args.command, elapsed)
        log("wrote BENCHMARKS.md and " + CHART)
    print()
    print(open(os.path.join(ROOT, "BENCHMARKS.md")).read() if not args.no_report else json.dumps(res.values, indent=1))
    log(f"done in {elapsed / 60:.1f} min")


if __name__ == "__main__":
    main()
