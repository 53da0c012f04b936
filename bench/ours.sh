#!/usr/bin/env bash
# This project's engine on the workloads, in-process (no HTTP), writing the peer harness's JSON format.
#
#   bench/ours.sh WORKLOADS.json OUT.json [workload-id ...]
#
# Uses JAVA_HOME (default: Temurin 25 where present, the container's runtime). The runner is test code
# (src/test/java/org/rnnservice/bench), so it is compiled with the tests, not packaged in the service's jar.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -ge 2 ]] || { echo "usage: bench/ours.sh WORKLOADS.json OUT.json [workload-id ...]" >&2; exit 2; }
workloads=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
[[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] && : "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
classpath=$top/target/bench-classpath.txt
if [[ ! -f $classpath || ! -d $top/target/test-classes/org/rnnservice/bench ]]; then
  (cd "$top" && ./mvnw -q -B -ntp test-compile dependency:build-classpath \
      -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test)
fi
# BENCH_JAVA_OPTS: more JVM options, such as -XX:UseAVX=2 (bench/run --isa avx2)
# shellcheck disable=SC2086
exec "$java" --add-modules=jdk.incubator.vector -Xms1g -Xmx4g -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} \
  -cp "$top/target/test-classes:$top/target/classes:$(cat "$classpath")" \
  org.rnnservice.bench.WorkloadRunner "$workloads" "$out" "$@"
