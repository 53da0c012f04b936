#!/usr/bin/env bash
# The reference peer: the workloads trained with DJL 0.36 on the official LibTorch 2.7.1 CPU build (MKL, oneDNN),
# 2 threads, offline at run time (LibTorch comes from a Maven Central jar, fetched once by Maven).
#
#   bench/djl/run.sh WORKLOADS.json OUT.json [workload-id ...]
#
# Needs a JDK 17+ (JAVA_HOME, default: Temurin 25 where present) and Linux x86-64. Builds in bench/djl/target.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ $# -ge 2 ]] || { echo "usage: bench/djl/run.sh WORKLOADS.json OUT.json [workload-id ...]" >&2; exit 2; }
workloads=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
[[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] && : "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
mvnw=$here/../../mvnw
if [[ ! -f $here/target/classpath.txt ]]; then
  "$mvnw" -q -B -ntp -f "$here/pom.xml" package
fi
cp_="$here/target/djl-rnn-bench-1.0.jar:$(cat "$here/target/classpath.txt")"
export DJL_CACHE_DIR="$here/target/djl-cache" ENGINE_CACHE_DIR="$here/target/djl-cache" PYTORCH_FLAVOR=cpu
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
opts=(-Xms1g -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1
      -Dai.djl.pytorch.graph_optimizer=false -DPYTORCH_FLAVOR=cpu)
"$java" -version 2>&1 | grep -q 'version "2[2-9]' && opts+=(--enable-native-access=ALL-UNNAMED)
# BENCH_JAVA_OPTS: more JVM options (bench/run --isa avx2 also limits LibTorch through its environment)
# shellcheck disable=SC2086
exec "$java" "${opts[@]}" ${BENCH_JAVA_OPTS:-} -cp "$cp_" bench.Bench "$workloads" "$out" "$@"
