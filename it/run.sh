#!/usr/bin/env bash
# Proves README.md's "Use it in your project" against the jasyncio artifact installed in the
# local Maven repository: run `mvn install` at the root first (.ci/run does).
#
#   it/run.sh      builds it/consumer (class path) and it/consumer-modular (module path), then
#                  runs every launch path the README shows, with the flags and without them
#                  (the error must then name the fix for that launch path). Exits 1 if any
#                  check failed.
#
# Maven runs on the JDK 25 it finds (JAVA_HOME, then /usr/lib/jvm, then java on PATH), as a
# user's build would; exec:java needs that anyway, since it runs in Maven's own JVM.
set -euo pipefail
IT=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$IT")

java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_java() {
  local cand
  for cand in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$cand" ] || continue
    local v; v=$(java_version "$cand")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  done
  echo "it/run.sh: no JDK 25 or newer found (set JAVA_HOME)" >&2
  return 1
}

JAVA=$(find_java)
export JAVA_HOME
JAVA_HOME=$(dirname "$(dirname "$JAVA")")
VERSION=${JASYNCIO_VERSION:-$(sed -n '/<artifactId>jasyncio-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$ROOT/pom.xml")}
# Maven 3's own Guava uses sun.misc.Unsafe; JDK 24+ warns about it unless told.
QUIET_UNSAFE="--sun-misc-unsafe-memory-access=allow"
export MAVEN_OPTS="$QUIET_UNSAFE"
MVN=(mvn -B -q "-Djasyncio.version=$VERSION")
FLAGS="--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false"
unset JDK_JAVA_OPTIONS

failures=0
pass() { echo "ok   $1"; }
fail() {
  echo "FAIL $1"
  [ $# -lt 2 ] || sed 's/^/     | /' <<<"$2" | head -40
  failures=$((failures + 1))
}
# expect NAME TEXT OUTPUT: TEXT (fixed string) must appear in OUTPUT
expect() {
  if grep -qF -- "$2" <<<"$3"; then pass "$1"; else fail "$1: expected \"$2\" in:" "$3"; fi
}
build() { # build DIR GOALS...: Maven in DIR; output captured, failure reported
  local dir=$1; shift
  local out
  if out=$(cd "$IT/$dir" && "${MVN[@]}" "$@" 2>&1); then pass "$dir: mvn $*"; else fail "$dir: mvn $*" "$out"; return 1; fi
}

echo "jasyncio $VERSION, JDK $JAVA_HOME"

# ---- the installed artifacts ----------------------------------------------------------------
build consumer clean package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP=$(cat "$IT/consumer/target/classpath.txt")
JAR=$(tr ':' '\n' <<<"$CP" | grep "/jasyncio-$VERSION.jar$" || true)
if [ -z "$JAR" ]; then
  fail "the consumer's class path holds jasyncio-$VERSION.jar" "$CP"
else
  for extra in sources javadoc; do
    f="${JAR%.jar}-$extra.jar"
    if [ -s "$f" ]; then pass "installed: $(basename "$f")"; else fail "installed: $(basename "$f") missing"; fi
  done
  expect "the jar is the module org.jasyncio@$VERSION" "org.jasyncio@$VERSION" \
    "$("$JAVA_HOME/bin/jar" --describe-module --file "$JAR" 2>&1)"
  # The test kit, once the build has it: installed next to jasyncio, with the same three jars.
  if [ -f "$ROOT/jasyncio-test/pom.xml" ]; then
    KIT="$(dirname "$(dirname "$(dirname "$JAR")")")/jasyncio-test/$VERSION/jasyncio-test-$VERSION"
    for f in "$KIT.jar" "$KIT-sources.jar" "$KIT-javadoc.jar"; do
      if [ -s "$f" ]; then pass "installed: $(basename "$f")"; else fail "installed: $(basename "$f") missing"; fi
    done
  fi
fi

# ---- Surefire: argLine ----------------------------------------------------------------------
REPORT="$IT/consumer/target/surefire-reports/com.example.consumer.HelloTest.txt"
expect "Surefire with the README's argLine" "Tests run: 1, Failures: 0, Errors: 0" "$(cat "$REPORT" 2>&1)"
(cd "$IT/consumer" && "${MVN[@]}" -P without-flags test >/dev/null 2>&1) || true
expect "Surefire without the flags: the error names <argLine>" \
  "This JVM is a Surefire (or Failsafe) test fork: put the flags in the plugin's configuration, <argLine>$FLAGS</argLine>" \
  "$(cat "$REPORT" 2>&1)"

# ---- plain java on the class path -----------------------------------------------------------
cd "$IT/consumer"
APP_CP="target/classes:$CP"
# shellcheck disable=SC2086
expect "java $FLAGS -cp ... Main" "jasyncio says: hello world (jdk.trackAllThreads=false)" \
  "$("$JAVA" $FLAGS -cp "$APP_CP" com.example.consumer.Hello 2>&1 || true)"
expect "java -cp ... Main without the flags: the error says where they go" \
  "Pass the flags to java before the main class, java $FLAGS -cp <class path> <main class>" \
  "$("$JAVA" -cp "$APP_CP" com.example.consumer.Hello 2>&1 || true)"
expect "JDK_JAVA_OPTIONS=\"$FLAGS\" java -cp ... Main" "jasyncio says: hello world (jdk.trackAllThreads=false)" \
  "$(JDK_JAVA_OPTIONS="$FLAGS" "$JAVA" -cp "$APP_CP" com.example.consumer.Hello 2>&1 || true)"

# ---- java -jar of the fat jar (Add-Opens in its manifest) -----------------------------------
expect "JDK_JAVA_OPTIONS=-Djdk.trackAllThreads=false java -jar consumer-app.jar" \
  "jasyncio says: hello world (jdk.trackAllThreads=false)" \
  "$(JDK_JAVA_OPTIONS=-Djdk.trackAllThreads=false "$JAVA" -jar target/consumer-app.jar 2>&1 || true)"

# ---- exec:java: MAVEN_OPTS ------------------------------------------------------------------
expect "MAVEN_OPTS=\"$FLAGS\" mvn exec:java" "jasyncio says: hello world (jdk.trackAllThreads=false)" \
  "$(MAVEN_OPTS="$FLAGS $QUIET_UNSAFE" "${MVN[@]}" exec:java 2>&1 || true)"
expect "mvn exec:java without the flags: the error names MAVEN_OPTS" \
  "This code runs inside Maven's own JVM (exec:java): Maven itself must run on JDK 25 with the flags" \
  "$("${MVN[@]}" exec:java 2>&1 || true)"

# ---- the module path: requires org.jasyncio -------------------------------------------------
build consumer-modular clean package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cd "$IT/consumer-modular"
MP="target/classes:$(cat target/classpath.txt)"
MOD_FLAGS="--add-opens java.base/java.lang=org.jasyncio -Djdk.trackAllThreads=false"
# shellcheck disable=SC2086
expect "java $MOD_FLAGS -p ... -m com.example.modular/..." \
  "jasyncio says: hello from com.example.modular (jasyncio is module org.jasyncio)" \
  "$("$JAVA" $MOD_FLAGS -p "$MP" -m com.example.modular/com.example.modular.Hello 2>&1 || true)"
# shellcheck disable=SC2086
expect "the module path with the class path's flag: the error names =org.jasyncio" \
  "start the JVM with --add-opens java.base/java.lang=org.jasyncio" \
  "$("$JAVA" $FLAGS -p "$MP" -m com.example.modular/com.example.modular.Hello 2>&1 || true)"
expect "the module path without the flags: the error says where they go" \
  "jasyncio runs as the named module org.jasyncio: pass the flags to java before the main module, java $MOD_FLAGS -p" \
  "$("$JAVA" -p "$MP" -m com.example.modular/com.example.modular.Hello 2>&1 || true)"

if [ "$failures" -gt 0 ]; then
  echo "it/run.sh: $failures check(s) failed"
  exit 1
fi
echo "it/run.sh: every check passed"
