"""Writes BENCHMARKS.md, bench/out/results.json and the ratio chart from a harness run."""
import json
import os
import subprocess

from echo import TLS_PARAMS
from harness import (CHART, ECHO_JVM, HEADLINE, JAR, MODES, OUT, ROOT, SYNC_TARGET, TARGETS, TUNED,
                     lower_is_better, speedup)

PEERS = [("asyncio", "CPython asyncio"), ("uvloop", "uvloop")]


def fmt(v):
    if v is None:
        return "–"
    a = abs(v)
    if a >= 10000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_x(r):
    return "–" if r is None else f"{r:.2f}x" if r < 10 else f"{r:.1f}x"


def cell(res, metric, system):
    v = res.values.get(metric, {}).get(system)
    if not v:
        return "–"
    med = res.median(metric, system)
    if len(v) == 1:
        return f"{fmt(med)} (n=1)"
    return f"{fmt(med)} ({fmt(min(v))}–{fmt(max(v))}, n={len(v)})"


def evaluate(res):
    """Each target: (label, status, detail)."""
    out = []
    for metric, subject, kind, bound, peer, label in TARGETS:
        s = res.median(metric, subject)
        group = ("echo-loops" if metric.startswith("echo_loops") else "echo-tls" if metric.startswith("echo_tls")
                 else "echo" if metric.startswith("echo") else res.group_of.get(metric, ""))
        if s is None:
            st = res.status.get((group or ("echo" if metric.startswith("echo") else "core"), subject))
            why = f"{st[0]}: {st[1]}" if st and st[0] != "ran" else "not measured in this run"
            out.append((label, "pending" if st and st[0] == "pending" else "not measured", why))
            continue
        if kind in ("le", "ge"):
            ok = s <= bound if kind == "le" else s >= bound
            by = (s / bound - 1) * 100
            out.append((label, "met" if ok else "NOT met", f"{fmt(s)} vs {bound} ({by:+.0f}%)"))
            continue
        p = res.median(metric, peer)
        if p is None:
            out.append((label, "not measured", f"peer {peer} not measured"))
            continue
        r = speedup(metric, s, p) if kind == "speedup" else s / p
        ok = r >= bound
        short = "" if ok else f", {bound / r:.2f}x short"
        out.append((label, "met" if ok else "NOT met", f"{r:.2f}x (needs {bound}x{short})"))
    for metric in sorted(m for m, g in res.group_of.items() if g == "sync"):
        s, p = res.median(metric, "jasyncio"), res.median(metric, "asyncio")
        if s is not None and p is not None:
            r = speedup(metric, s, p)
            out.append((f"{metric} >= {SYNC_TARGET}x CPython asyncio", "met" if r >= SYNC_TARGET else "NOT met",
                        f"{r:.2f}x"))
    if not any(g == "sync" for g in res.group_of.values()):
        out.append(("queue/lock throughput >= 10x CPython asyncio", "pending",
                    "SyncBench (branch `sync`) has not landed"))
    return out


def chart_rows(res):
    rows = []
    names = {"switch_ns": "switch", "spawn_ns": "spawn", "parked_bytes": "parked memory",
             "tree_none_gather_ms": "tree none", "tree_none_tg_ms": "tree none tg",
             "tree_memoization_gather_ms": "tree memo", "tree_memoization_tg_ms": "tree memo tg",
             "tree_io_gather_ms": "tree io", "tree_cpu_io_mixed_gather_ms": "tree cpu_io"}
    for metric, label in names.items():
        for peer, plabel in PEERS:
            r = speedup(metric, res.median(metric, "jasyncio"), res.median(metric, peer))
            if r:
                rows.append((label, f"vs {plabel}", r))
    r = speedup("tree_none_eager_ms", res.median("tree_none_eager_ms", "jasyncio"),
                res.median("tree_none_eager_ms", "asyncio-eager"))
    if r:
        rows.append(("tree none eager", "vs CPython 3.12+ eager", r))
    for metric, tag in (("echo_c100_1k_rps", "echo"), ("echo_tls_c100_1k_rps", "echo TLS")):
        for subject in ("jasyncio-streams", "jasyncio-protocol"):
            for peer, plabel in [("uvloop-" + subject.split("-")[1], "uvloop"), ("netty", "Netty"),
                                 ("c-epoll", "C ceiling")]:
                r = speedup(metric, res.median(metric, subject), res.median(metric, peer))
                if r:
                    rows.append((f"{tag} {subject.split('-')[1]}", f"vs {plabel}", r))
    return rows


def draw_chart(java, res, title):
    rows = chart_rows(res)
    if not rows:
        return False
    tsv = os.path.join(OUT, "chart.tsv")
    with open(tsv, "w") as f:
        for c, s, v in rows:
            f.write(f"{c}\t{s}\t{v:.4f}\n")
    p = subprocess.run([java, "-cp", JAR, "org.jasyncio.bench.Chart", tsv, CHART, title], cwd=ROOT,
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
    return p.returncode == 0


# The uvloop server with the same API; a BufferedProtocol is compared with uvloop's Protocol.
UVLOOP_PEER = {"jasyncio-streams": "uvloop-streams", "jasyncio-protocol": "uvloop-protocol",
               "jasyncio-buffered": "uvloop-protocol"}


def echo_headline(w, res, key, group, title):
    """The jasyncio rows of one echo configuration: rate, latency, CPU and the ratios."""
    m = key + "_rps"
    w(f"| {title} | req/s | p50 / p99 us | server CPU us/req | vs uvloop (same API) | vs Netty | vs C ceiling |")
    w("|---|---|---|---|---|---|---|")
    for subject in ("jasyncio-streams", "jasyncio-protocol", "jasyncio-buffered"):
        j = res.median(m, subject)
        st = res.status.get((group, subject), ("", ""))
        if j is None:
            w(f"| {subject} | {st[0] or 'not run'}: {st[1]} | | | | | |")
            continue
        u = speedup(m, j, res.median(m, UVLOOP_PEER[subject]))
        lat = f"{fmt(res.median(key + '_p50_us', subject))} / {fmt(res.median(key + '_p99_us', subject))}"
        w(f"| {subject} | {fmt(j)} | {lat} | {fmt(res.median(key + '_cpu_us_per_req', subject))} | {fmt_x(u)} | "
          f"{fmt_x(speedup(m, j, res.median(m, 'netty')))} | {fmt_x(speedup(m, j, res.median(m, 'c-epoll')))} |")
    w("")


def echo_tables(w, res, group, ceiling_label):
    """Every figure of one echo group, then each server's rate as a ratio to the C server's."""
    emetrics = sorted(mm for mm, g in res.group_of.items() if g == group)
    if not emetrics:
        sts = [f"{s}: {v[0]} ({v[1]})" for (g, s), v in sorted(res.status.items()) if g == group]
        w("Not measured in this run. " + ("; ".join(sts) if sts else "Group not selected.") + "\n")
        return
    eorder = ["jasyncio-streams", "jasyncio-protocol", "jasyncio-buffered", "c-epoll", "netty", "netty-openssl", "uvloop-protocol",
              "uvloop-streams", "node", "asyncio-protocol", "asyncio-streams"]
    systems = systems_of(res, emetrics, eorder)
    w("Medians (min–max, n). `_rps` requests per second, `_p50_us`/`_p99_us` latency, `_cpu_us_per_req` "
      "server CPU microseconds per request.\n")
    w("| metric | " + " | ".join(systems) + " |")
    w("|---|" + "---|" * len(systems))
    for mm in emetrics:
        w(f"| {mm} | " + " | ".join(cell(res, mm, s) for s in systems) + " |")
    w("")
    w(f"Ratio to {ceiling_label} at each configuration (req/s):\n")
    w("| config | " + " | ".join(systems) + " |")
    w("|---|" + "---|" * len(systems))
    for mm in [x for x in emetrics if x.endswith("_rps")]:
        c = res.median(mm, "c-epoll")
        w(f"| {mm[:-4]} | " + " | ".join(
            fmt_x(res.median(mm, s) / c) if c and res.median(mm, s) else "–" for s in systems) + " |")
    w("")


def loops_table(w, res):
    """Many cores: each system at 1 and 2 loops / threads / processes, the scaling, and jasyncio
    against Netty at the same thread count."""
    m = "echo_loops_c100_1k_rps"
    if m not in res.group_of:
        sts = [f"{s}: {v[0]} ({v[1]})" for (g, s), v in sorted(res.status.items()) if g == "echo-loops"]
        w("Not measured in this run. " + ("; ".join(sts) if sts else "Group not selected (`--groups loops`).") + "\n")
        return
    w("100 connections x 1 KiB, 50 us of CPU work per request (`--work-us 50`), protocol API. "
      "On a 2-core machine the load client shares the cores with the server.\n")
    w("| system | 1: req/s | 2: req/s | 2 / 1 | server CPU us/req (1 / 2) | p99 us (1 / 2) |")
    w("|---|---|---|---|---|---|")
    for label, one, two in (("jasyncio (loops)", "jasyncio-1loop", "jasyncio-2loops"),
                            ("Netty (threads)", "netty-1thread", "netty-2threads"),
                            ("uvloop (processes)", "uvloop-1proc", "uvloop-2procs")):
        a, b = res.median(m, one), res.median(m, two)
        scale = fmt_x(b / a) if a and b else "–"
        cpu = f"{fmt(res.median('echo_loops_c100_1k_cpu_us_per_req', one))} / " \
              f"{fmt(res.median('echo_loops_c100_1k_cpu_us_per_req', two))}"
        p99 = f"{fmt(res.median('echo_loops_c100_1k_p99_us', one))} / {fmt(res.median('echo_loops_c100_1k_p99_us', two))}"
        w(f"| {label} | {cell(res, m, one)} | {cell(res, m, two)} | {scale} | {cpu} | {p99} |")
    w("")
    for n, j, nt in ((1, "jasyncio-1loop", "netty-1thread"), (2, "jasyncio-2loops", "netty-2threads")):
        a, b = res.median(m, j), res.median(m, nt)
        if a and b:
            w(f"- jasyncio / Netty at {n} thread{'s' if n > 1 else ''}: {fmt_x(a / b)}")
    w("")


def systems_of(res, metrics, order):
    seen = {s for m in metrics for s in res.values.get(m, {})}
    return [s for s in order if s in seen] + sorted(seen - set(order))


def write(env, res, mode, command, elapsed):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"mode": mode, "command": command, "elapsed": elapsed, "facts": env.facts, "values": res.values,
                   "group_of": res.group_of, "notes": res.notes, "tls_info": res.tls_info,
                   "status": {f"{g}/{s}": v for (g, s), v in res.status.items()}}, f, indent=1)
    have_chart = draw_chart(env.java, res, f"jasyncio speed-up over its peers ({mode} run, {env.facts['date']})")
    e = env.facts
    L = []
    w = L.append
    w("# jasyncio benchmarks\n")
    w(f"Generated by `{command}` on {e['date']} ({mode} mode, {elapsed / 60:.1f} min). "
      "Do not edit by hand: rerun the command. How to run and read it: README.md, section Benchmarks.\n")
    w("Ratios are **jasyncio's speed-up** over the peer (peer time / jasyncio time, or jasyncio rate / peer "
      "rate, or peer bytes / jasyncio bytes): above 1 jasyncio is better. Every figure is the median of all "
      "its values in this run (repetitions x rounds) with its min–max spread and count; systems were "
      "interleaved round by round so machine drift hits all alike. Absolute times on this shared 2-core "
      "machine drift; trust the ratios taken in one run.\n")
    if mode == "quick":
        w("> **Quick mode**: smaller sizes (switch 1,000 tasks x 1,000 switches, spawn and parked 200,000 "
          "tasks), fewer rounds, echo (plain and TLS) at 100 connections x 1 KiB only, each server once (n=1: one noisy "
          "moment on a shared machine can move an echo ratio by a third). The targets are defined at the full "
          "sizes (`bench/run.sh` without `--quick`); quick figures are indicative.\n")
    w("## Headline\n")
    w("| workload | jasyncio | vs CPython asyncio | vs uvloop | vs CPython 3.12+ eager |")
    w("|---|---|---|---|---|")
    for metric, label in HEADLINE:
        j = res.median(metric, "jasyncio")
        if j is None:
            continue
        a = speedup(metric, j, res.median(metric, "asyncio"))
        u = speedup(metric, j, res.median(metric, "uvloop"))
        eg = speedup(metric, j, res.median(metric, "asyncio-eager")) if "eager" in metric else None
        w(f"| {label} | {fmt(j)} | {fmt_x(a)} | {fmt_x(u)} | {fmt_x(eg)} |")
    w("")
    echo_headline(w, res, "echo_c100_1k", "echo", "echo, 100 connections x 1 KiB")
    echo_headline(w, res, "echo_c100_64k", "echo", "echo, 100 connections x 64 KiB")
    echo_headline(w, res, "echo_tls_c100_1k", "echo-tls", "echo over TLS, 100 connections x 1 KiB")
    if have_chart:
        w(f"![jasyncio speed-up over its peers]({CHART})\n")
    w("## Targets\n")
    w("| target | status | measured |")
    w("|---|---|---|")
    for label, status, detail in evaluate(res):
        w(f"| {label} | **{status}** | {detail} |")
    w("")
    w("## Machine and setup\n")
    w(f"- CPU: {e['cpu']}, {e['cores']} cores, {e['memory']} RAM, Linux {e['kernel']}; load average at start {e['load']} "
      "(other builds may share the machine).")
    w(f"- JDK: {e['jdk']}; Netty {e['netty']}.")
    w(f"- CPython: {e['python']} (`/usr/bin/python3`), uvloop {e['uvloop']}; CPython for the eager variants: "
      f"{e['python_eager']}.")
    w(f"- Node: {e['node']}; gcc {e['gcc']} (C echo server and load client, `-O2`).")
    w(f"- Command: `{command}`\n")
    w("### JVM flags\n")
    w(f"Every jasyncio JVM gets `--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false` (required). "
      f"The `jasyncio` rows also get **`{TUNED}`**; the `jasyncio-default-gc` row runs switch, spawn and parked on the JVM's "
      "defaults (G1, heap sized by ergonomics) so that nobody is misled, and the `jasyncio-zgc` row the same "
      "with only `-XX:+UseZGC` (generational ZGC, no heap sizing), the one-flag choice for spawn bursts. Why: spawn keeps 1,000,000 tasks (each a "
      "Task plus a virtual thread and its stack chunk) alive until gather completes, and every young collection "
      "copies that live set; a 3 GiB young generation lets the whole burst live and die in eden, and the "
      "parallel collector's copying is cheaper than G1's for this shape. AlwaysPreTouch faults the heap in at "
      "start so first-touch page faults are not billed to the first workload. Each repetition starts with "
      f"`System.gc()` (JMH's `-gc true`); Python's side runs `gc.collect()` likewise. The echo JVMs (Netty and "
      f"jasyncio alike) get `{ECHO_JVM}`.\n")
    w("### How each figure is measured\n")
    E = MODES[mode]["echo"]
    w("- **switch**: 1,000 tasks each doing N `sleep(0)`, all gathered; elapsed / (1,000 x N).")
    w("- **spawn**: create K distinct coroutines and run them through one `gather` (distinct: gather runs an awaitable "
      "given twice once); elapsed / K, coroutine creation included.")
    w("- **parked**: K tasks waiting on one `Event`; jasyncio: heap in use after `System.gc()` (MemoryMXBean) with all "
      "parked, minus before. Python: `parked_bytes` is **tracemalloc**'s traced memory (every block Python's allocators "
      "handed out, after `gc.collect()`): the closest counterpart of \"heap in use after GC\", independent of allocator "
      "slack; `parked_rss_bytes` is the resident-set growth in a separate pass without tracemalloc (whose own "
      "bookkeeping would inflate RSS), shown for reference.")
    w("- **async_tree**: pyperformance's benchmark (6 levels x 6 branches = 46,656 leaves): none / io (sleep 50 ms) / "
      "memoization (randint(1,100), values <= 90 memoized, seed 0) / cpu_io_mixed (p=0.5 factorial(500) as a "
      "BigInteger by binary splitting, like CPython's math.factorial, else memoization), each with gather (`gather`), "
      "TaskGroup (`tg`) and the eager task factory (`eager`, `eager_tg`). One tree per process, rerun per repetition "
      "(memo cache warm after the first run), as in pyperformance. Java's Random is not Python's Mersenne Twister: "
      "the draws differ, their distribution does not. CPython 3.11 has no eager task factory: the eager variants "
      "are compared with a CPython >= 3.12 when one is found (`asyncio-eager`).")
    w("- **echo**: the C epoll load client (`bench/c/echo_client.c`), N connections each sending one message and "
      f"waiting for the whole echo; each server is first warmed up (100 x 1 KiB for {E['server_warmup']:g} s), then "
      f"each configuration runs {E['warmup']:g} s of warm-up then {E['measure']:g} s measured; p50/p99 round-trip "
      "latency; server CPU per request "
      "= the server process's utime+stime from `/proc/<pid>/stat` over warm-up + measure, divided by the requests "
      "in that time. Client and server are not pinned to cores (`JASYNCIO_BENCH_PIN=1` pins the client to CPU 0 "
      "and the server to CPU 1): at concurrency 1 the two ping-pong and the figure depends on whether the scheduler "
      "puts them on one core or two, so c1 figures are bimodal (see their spread); c100 and c1000 are not. "
      "The server's CPU is read once every connection is up, so connection set-up is not billed to requests. "
      "jasyncio's three servers are `echo-server` in its three modes: `jasyncio-streams` (a task per client: "
      "`read`, `write`, `drain`), `jasyncio-protocol` (a `Protocol`: each read is a new `byte[]` given to "
      "`dataReceived`, each write copies it out, as asyncio's API requires) and `jasyncio-buffered` (a "
      "`BufferedProtocol`: the socket is read into one direct buffer the protocol owns and written back from it, "
      "no copy in Java, as Netty's handler writes back the pooled buffer it read).")
    w(f"- **echo over TLS** (`echo_tls_*`): the same client and loop over OpenSSL ({TLS_PARAMS}). The run makes one "
      "self-signed certificate (`openssl req -x509`, ECDSA P-256) that every server loads; the client verifies the "
      "chain against it (no host-name check), the same cost for every server, and offers only TLS 1.3, "
      "TLS_AES_128_GCM_SHA256 and X25519, so every server negotiates the same (checked: the line above the TLS "
      "table). Each connection handshakes once, before the clock starts (handshakes are not measured: this is "
      "record-layer throughput). Servers: the C server over OpenSSL (`c-epoll`: the ceiling), Netty's `SslHandler` "
      "over the JDK's SSLEngine (`netty`: SunJSSE, the provider jasyncio uses) and over netty-tcnative's BoringSSL "
      "(`netty-openssl`), asyncio and uvloop with the `ssl` module (`ssl=` on `start_server`/`create_server`), "
      "Node's `tls`, and jasyncio's `--tls` (its `SslProtocol` over SunJSSE). The client does as much crypto per "
      "request as the server; at 64 KiB it saturates its core at about 18–20k req/s here, so 64 KiB TLS figures "
      "near that are client-bound.\n")
    w("- **echo on many cores** (`echo_loops_*`, group `loops`): the same client at 100 connections x 1 KiB; every "
      "server spins 50 us of CPU per request (each read) before echoing, so that the handler, not the network "
      "stack, is what more cores can share. jasyncio: `echo-server --protocol --loops N --work-us 50` (a "
      "`LoopGroup`, one SO_REUSEPORT socket per loop); Netty: a `MultiThreadIoEventLoopGroup` of N threads; "
      "uvloop: N processes on SO_REUSEPORT. Server CPU is summed over the server's process group.")
    w("## All figures\n")
    order = ["jasyncio", "jasyncio-default-gc", "jasyncio-zgc", "asyncio", "uvloop", "asyncio-eager"]
    for group, title in [("core", "Core (issue 2)"), ("tree", "async_tree (pyperformance)"),
                         ("sync", "Queue and lock throughput (issue 3)"), ("subprocess", "Subprocess spawn (issue 5)")]:
        metrics = sorted(mm for mm, g in res.group_of.items() if g == group)
        w(f"### {title}\n")
        if not metrics:
            sts = [f"{s}: {v[0]} ({v[1]})" for (g, s), v in res.status.items() if g == group]
            w("Not measured in this run. " + ("; ".join(sts) if sts else "Group not selected.") + "\n")
            continue
        systems = systems_of(res, metrics, order)
        w("| metric | " + " | ".join(systems) + " | jasyncio vs asyncio | vs uvloop |")
        w("|---|" + "---|" * (len(systems) + 2))
        for mm in metrics:
            j = res.median(mm, "jasyncio")
            w(f"| {mm} | " + " | ".join(cell(res, mm, s) for s in systems)
              + f" | {fmt_x(speedup(mm, j, res.median(mm, 'asyncio')))} | {fmt_x(speedup(mm, j, res.median(mm, 'uvloop')))} |")
        w("")
    w("### Echo (issue 4)\n")
    echo_tables(w, res, "echo", "the C ceiling")
    w("### Echo over TLS (issues 4 and 6)\n")
    if res.tls_info:
        seen = sorted(set(res.tls_info.values()))
        w("Negotiated (as the load client saw it): " + "; ".join(
            f"{', '.join(sorted(n for n, v in res.tls_info.items() if v == x))}: `{x}`" for x in seen)
          + (" (**servers differ**)" if len(seen) > 1 else "") + ".\n")
    echo_tables(w, res, "echo-tls", "the C server over OpenSSL")
    w("### Echo on many cores (issue 15)\n")
    loops_table(w, res)
    w("## Skipped peers and pending workloads\n")
    rows = [(g, s, v) for (g, s), v in sorted(res.status.items()) if v[0] != "ran"]
    if rows:
        for g, s, (st, why) in rows:
            w(f"- {g} / {s}: **{st}**: {why}")
    else:
        w("- none")
    for n in res.notes:
        w(f"- {n}")
    w("")
    notes = os.path.join(ROOT, "bench", "notes.md")
    if os.path.exists(notes):
        w(open(notes).read())
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(L))
