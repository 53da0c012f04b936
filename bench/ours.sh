#!/usr/bin/env bash
# This project's engine on the workloads, in-process (no HTTP), writing the peer harness's JSON format.
#
#   bench/ours.sh WORKLOADS.json OUT.json [workload-id ...]
#
# The runner is test code (src/test/java/org/rnnservice/bench), started by bench/engine-java (its JDK and options).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ $# -ge 2 ]] || { echo "usage: bench/ours.sh WORKLOADS.json OUT.json [workload-id ...]" >&2; exit 2; }
workloads=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
exec "$here/engine-java" org.rnnservice.bench.WorkloadRunner "$workloads" "$out" "$@"
