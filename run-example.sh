#!/usr/bin/env bash
# Runs a jasyncio example, building what is needed first (modelled on Netty's run-example.sh).
#
#   ./run-example.sh                 lists the examples, one line each
#   ./run-example.sh NAME [ARGS...]  runs one
#   ./run-example.sh seeds           the main job: every seed program, in order
#
# It finds a JDK 25 by itself (JAVA_HOME, then /usr/lib/jvm, then java on PATH) and passes
# the JVM flags every jasyncio program needs.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
LIST="$ROOT/examples/examples.list"

list_examples() {
  echo "Usage: ./run-example.sh NAME [ARGS...]"
  echo
  echo "Examples:"
  grep -v '^#' "$LIST" | grep -v '^[[:space:]]*$' | while IFS='|' read -r name cls desc; do
    printf '  %-16s %s\n' "$name" "$desc"
  done
}

java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_java() {
  local cand
  for cand in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$cand" ] || continue
    local v; v=$(java_version "$cand")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  done
  echo "run-example.sh: no JDK 25 or newer found (set JAVA_HOME)" >&2
  return 1
}

if [ $# -eq 0 ]; then list_examples; exit 0; fi
NAME=$1; shift
LINE=$(grep -v '^#' "$LIST" | awk -F'|' -v n="$NAME" '$1 == n' | head -1)
if [ -z "$LINE" ]; then
  echo "run-example.sh: unknown example '$NAME'" >&2
  list_examples >&2
  exit 2
fi
CLASS=$(echo "$LINE" | cut -d'|' -f2)

JAVA=$(find_java)
JDK_HOME=$(dirname "$(dirname "$JAVA")")

# Build when the classes are missing or older than any source or pom.
STAMP="$ROOT/examples/target/classes/.built"
if [ ! -f "$STAMP" ] || [ -n "$(find "$ROOT/jasyncio/src/main" "$ROOT/examples/src/main" "$ROOT/pom.xml" \
      "$ROOT/jasyncio/pom.xml" "$ROOT/examples/pom.xml" -newer "$STAMP" -print -quit 2>/dev/null)" ]; then
  echo "Building jasyncio and its examples..." >&2
  # Maven itself runs on that JDK 25 too; the flag silences the JDK's sun.misc.Unsafe
  # warnings about Maven's own Guava (JDK 23+ accepts it). sed drops the colour resets
  # some Maven builds print even in batch mode; pipefail keeps Maven's exit status.
  (cd "$ROOT" && JAVA_HOME="$JDK_HOME" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    mvn -q -B -DskipTests -pl examples -am compile 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g') >&2
  touch "$STAMP"
fi

CP="$ROOT/examples/target/classes:$ROOT/jasyncio/target/classes"
exec "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false --enable-native-access=ALL-UNNAMED \
  ${JASYNCIO_JAVA_OPTS:-} -cp "$CP" "$CLASS" "$@"
