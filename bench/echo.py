"""The echo benchmark of the harness: plain TCP (group "echo"), TLS (group "echo-tls") and
many cores (group "echo-loops": 100 connections x 1 KiB, 50 us of CPU work per request, 1 and 2
loops / threads / processes).

Each server of bench/echo-servers.conf is started once per variant and round, warmed up, then
measured with the C load client (bench/c/echo_client.c) at each configuration of the mode.
Metric names: echo_c{N}_{K}k_{rps,p50_us,p99_us,cpu_us_per_req}, with "echo_tls_" instead of
"echo_" over TLS. Over TLS, every server gets the same certificate and key, made once per run
(ECDSA P-256, self-signed), and the client pins TLS 1.3, TLS_AES_128_GCM_SHA256 and X25519.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
BUILD = os.path.join(BENCH, "build")
CLIENT = os.path.join(BUILD, "echo_client")
TLS_DIR = os.path.join(OUT, "tls")

GROUPS = {"plain": "echo", "tls": "echo-tls", "loops": "echo-loops"}
# The many-cores group measures one configuration: the one the targets are set at.
LOOPS_CONFIGS = [(100, 1024)]
TLS_PARAMS = "TLS 1.3, TLS_AES_128_GCM_SHA256, X25519, ECDSA P-256 certificate"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def metric_prefix(variant):
    return {"tls": "echo_tls_", "loops": "echo_loops_"}.get(variant, "echo_")


def read_servers(path):
    """Rows of (name, requires, variants, command); variants is a list of "plain" / "tls"."""
    rows = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, req, variants, cmd = [f.strip() for f in line.split("|", maxsplit=3)]
        rows.append((name, req, [v.strip() for v in variants.split(",") if v.strip()], cmd))
    return rows


def tls_unavailable():
    """Why the TLS variant cannot run here, or None: the client must be built with OpenSSL,
    and the openssl command must make the run's certificate."""
    if not os.path.exists(CLIENT):
        return "the C echo binaries were not built (gcc missing?)"
    p = subprocess.run([CLIENT, "--tls", "/dev/null"], capture_output=True, text=True)
    if "built without TLS" in p.stderr:
        return "the C load client was built without OpenSSL (apt-get install -y libssl-dev failed?)"
    if not shutil.which("openssl"):
        return "the openssl command is not installed (it makes the run's certificate)"
    return None


def make_certificate():
    """Makes the run's self-signed ECDSA P-256 certificate and PKCS#8 key; returns their paths.

    One pair per run, shared by every TLS server, so no server pays for a bigger key. The key
    file is PKCS#8 ("BEGIN PRIVATE KEY"), which OpenSSL, Python, Node, Netty and jasyncio all read.
    """
    os.makedirs(TLS_DIR, exist_ok=True)
    cert, key = os.path.join(TLS_DIR, "cert.pem"), os.path.join(TLS_DIR, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def cpu_seconds(pid):
    """utime + stime of every process of the server's process group (all their threads), from
    /proc/*/stat: the server runs in a session of its own (its pid is the group's id), and a
    multi-process server (uvloop on SO_REUSEPORT) forks its workers into that group."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == pid:  # pgrp
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def pinning():
    """(client prefix, server prefix): with JASYNCIO_BENCH_PIN=1, the load client on CPU 0 and
    the server on CPU 1.

    With one connection, client and server ping-pong; left to the scheduler they sometimes share
    a core and sometimes not, and the figure jumps by up to 10x between runs. Pinning them apart
    gives every server the same placement, on a quiet machine. On a shared machine it does harm
    (a pinned process cannot move away from another job: measured here, 300k -> 70k req/s for the
    C server while another echo benchmark ran), so it is off by default.
    """
    if not os.environ.get("JASYNCIO_BENCH_PIN") or (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
        return [], []
    return ["taskset", "-c", "0"], ["taskset", "-c", "1"]


def measure(client, proc, timeout):
    """Runs the client; reads the server's CPU once every connection is up (so connection and
    TLS handshake costs are not billed to the requests) and again when the client is done.
    Returns (returncode, stdout, stderr, cpu seconds)."""
    p = subprocess.Popen(client, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = p.stdout.readline()
    c0 = cpu_seconds(proc.pid) if first.startswith("connected") else None
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return -9, first + out, err + f"\nclient timed out after {timeout} s", 0.0
    c1 = cpu_seconds(proc.pid)
    return p.returncode, first + out, err, (c1 - c0) if c0 is not None else 0.0


def run_server(name, argv, variant, mode_cfg, res, logf, tls_files):
    """Starts one server (argv already expanded, {PORT} left), measures every configuration."""
    group = GROUPS[variant]
    prefix = metric_prefix(variant)
    port = free_port()
    pin_client, pin_server = pinning()
    argv = pin_server + [a.replace("{PORT}", str(port)) for a in argv]
    tag = f"{group}/{name}"
    log(f"{tag}: {' '.join(argv)}")
    suffix = {"tls": "-tls", "loops": "-loops"}.get(variant, "")
    errf = open(os.path.join(OUT, f"echo-{name}{suffix}.log"), "a")
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=errf, stderr=errf, start_new_session=True)
    client = pin_client + [CLIENT] + (["--tls", tls_files[0]] if variant == "tls" else [])
    try:
        if not wait_listening(port, proc, 180):
            if proc.poll() == 3:  # the server says it cannot run here (netty-tcnative's native library)
                errf.flush()
                why = open(errf.name).read().strip().splitlines()[-1:] or ["exit 3"]
                res.status[(group, name)] = ("skipped", why[0])
                log(f"  skipped: {why[0]}")
            else:
                res.status[(group, name)] = ("failed", f"did not listen on port {port} "
                                                       f"(see bench/out/echo-{name}{suffix}.log)")
                log("  FAILED: not listening")
            return
        # Warm the server up (a JIT compiles its hot path) before any measured configuration;
        # every server gets the same, so none is favoured.
        subprocess.run(client + ["127.0.0.1", str(port), "100", "1024", "0", str(mode_cfg["server_warmup"])],
                       capture_output=True, timeout=mode_cfg["server_warmup"] + 60)
        for conns, size in (LOOPS_CONFIGS if variant == "loops" else mode_cfg["configs"]):
            key = f"{prefix}c{conns}_{size // 1024}k"
            rc, out, err, cpu = measure(client + ["127.0.0.1", str(port), str(conns), str(size),
                                                  str(mode_cfg["warmup"]), str(mode_cfg["measure"])], proc,
                                        mode_cfg["warmup"] + mode_cfg["measure"] + 120)
            logf.write(f"### {tag} {key}: {out}{err}\n")
            lines = out.splitlines()
            f = lines[-1].split() if lines else []
            if rc != 0 or len(f) < 10 or f[0] != "requests":
                res.status[(group, name)] = ("failed", f"{key}: client exit {rc}: {err.strip()[-200:]}")
                log(f"  {key} FAILED: {err.strip()[-200:]}")
                continue
            if variant == "tls" and lines[0].startswith("connected") and " tls " in lines[0]:
                res.tls_info.setdefault(name, lines[0].split(" tls ", 1)[1].strip())
            vals = dict(zip(f[0::2], f[1::2]))
            requests, rps = int(vals["requests"]), float(vals["rps"])
            res.add(group, f"{key}_rps", name, rps)
            res.add(group, f"{key}_p50_us", name, float(vals["p50_us"]))
            res.add(group, f"{key}_p99_us", name, float(vals["p99_us"]))
            if requests > 0:
                # CPU over warm-up + measure, divided by the requests of both (rate x time).
                total = rps * (mode_cfg["warmup"] + mode_cfg["measure"])
                res.add(group, f"{key}_cpu_us_per_req", name, cpu * 1e6 / total)
            if int(vals["errors"]):
                res.notes.append(f"{tag} {key}: {vals['errors']} connection errors")
            log(f"  {key}: {rps:,.0f} req/s p50 {vals['p50_us']} us p99 {vals['p99_us']} us")
        res.status.setdefault((group, name), ("ran", ""))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        errf.close()


def plan(env, groups, res):
    """The (name, variant, command) list to run, the TLS files (or None); records skipped rows."""
    servers = read_servers(os.path.join(BENCH, "echo-servers.conf"))
    tls_files = None
    if GROUPS["tls"] in groups:
        why = tls_unavailable()
        if why:
            for name, _, variants, _ in servers:
                if "tls" in variants:
                    res.status[(GROUPS["tls"], name)] = ("skipped", why)
            log(f"echo-tls: skipped: {why}")
        else:
            tls_files = make_certificate()
            log(f"echo-tls: certificate {tls_files[0]} ({TLS_PARAMS})")
    todo = []
    for name, req, variants, cmd in servers:
        for variant in variants:
            group = GROUPS[variant]
            if group not in groups or (variant == "tls" and tls_files is None):
                continue
            u = env.unmet(req)
            if u:
                res.status[(group, name)] = u
                log(f"{group}/{name}: {u[0]}: {u[1]}")
                continue
            tls_args = f"--tls --cert {tls_files[0]} --key {tls_files[1]}" if variant == "tls" else ""
            todo.append((name, variant, cmd.replace("{TLS}", tls_args)))
    return todo, tls_files
