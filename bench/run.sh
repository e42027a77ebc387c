#!/usr/bin/env bash
# The jasyncio benchmark suite in one command: builds and installs what it needs, runs every
# workload for every installed system in ONE run (systems interleaved), and rewrites
# BENCHMARKS.md and docs/benchmarks-ratios.png.
#
#   bench/run.sh            the full run (under 30 minutes on a 2-core machine)
#   bench/run.sh --quick    smaller sizes, fewer rounds (under 5 minutes)
#   bench/run.sh --groups core,tree [--rounds N] [--no-report]
#
# Groups: core (switch, spawn, parked), tree (async_tree), sync, subprocess, echo (= echo-plain
# and echo-tls: the echo servers over plain TCP and over TLS), loops (echo on 1 and 2 loops,
# threads or processes with 50 us of work per request; not in the default list).
# What runs is listed in bench/workloads.conf and bench/echo-servers.conf. README.md (section Benchmarks)
# explains the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { echo "[bench] $*" >&2; }

java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
find_java() {
  local cand v
  for cand in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$cand" ] || continue
    v=$(java_version "$cand")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  done
  echo "bench/run.sh: no JDK 25 or newer found (set JAVA_HOME)" >&2
  return 1
}

JAVA=$(find_java)
export JAVA_HOME=$(dirname "$(dirname "$JAVA")")

# Peers from Debian: uvloop for /usr/bin/python3, gcc for the C client and server. A failed
# install is not fatal: the harness then reports the peer as skipped, with the reason.
apt_install() {
  if [ "$(id -u)" != 0 ]; then say "not root: cannot apt-get install $*"; return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}
if ! /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
  say "installing python3-uvloop (Debian)"
  apt_install python3-uvloop || say "python3-uvloop could not be installed: the uvloop peer will be skipped"
fi
if ! command -v gcc >/dev/null; then
  say "installing gcc (Debian)"
  apt_install gcc libc6-dev || say "gcc could not be installed: the echo benchmark will be skipped"
fi
# OpenSSL's headers for the TLS half of the echo benchmark (the C load client and C server).
if [ ! -f /usr/include/openssl/ssl.h ]; then
  say "installing libssl-dev (Debian)"
  apt_install libssl-dev openssl || say "libssl-dev could not be installed: the TLS echo benchmark will be skipped"
fi
if ! command -v node >/dev/null; then
  say "installing nodejs (Debian)"
  apt_install nodejs || say "node could not be installed: the Node echo peer will be skipped"
fi

mkdir -p bench/build bench/out
if command -v gcc >/dev/null; then
  # With OpenSSL's headers the C client and server also speak TLS (--tls); without, plain only.
  TLS_FLAGS=()
  [ -f /usr/include/openssl/ssl.h ] && TLS_FLAGS=(-DECHO_TLS -lssl -lcrypto)
  stamp="bench/build/.flags"
  if [ "$(cat "$stamp" 2>/dev/null)" != "${TLS_FLAGS[*]:-plain}" ]; then rm -f bench/build/echo_client bench/build/echo_server; fi
  for prog in echo_client echo_server; do
    if [ ! -x "bench/build/$prog" ] || [ "bench/c/$prog.c" -nt "bench/build/$prog" ]; then
      say "compiling bench/c/$prog.c ${TLS_FLAGS[*]:-(without TLS)}"
      gcc -O2 -Wall -Wextra -o "bench/build/$prog" "bench/c/$prog.c" "${TLS_FLAGS[@]}"
    fi
  done
  echo "${TLS_FLAGS[*]:-plain}" > "$stamp"
fi

# The benchmarks module (JMH, the workload drivers, Netty, XChart): only in the bench profile.
JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ -n "$(find jasyncio/src/main benchmarks/src benchmarks/pom.xml jasyncio/pom.xml pom.xml \
      -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  say "building the benchmarks module (mvn -P bench -pl benchmarks -am package)"
  mvn -q -B -P bench -pl benchmarks -am -DskipTests package >&2
fi

exec /usr/bin/python3 bench/harness.py --java "$JAVA" --command "bench/run.sh${*:+ $*}" "$@"
