#!/usr/bin/env bash
# One call on a lent GPU machine (prepared by tasks/device/prepare.sh): the GPU benchmark beside
# PyTorch, then paper 1's runs for the minutes left, returned as archive entries. BUDGET is the
# call's seconds (keep it under the device tool's timeout_s); the runs get what the benchmark
# leaves, less ~3.5 minutes for their end-of-run measurements and the export.
here=$(cd "$(dirname "$0")" && pwd)
BUDGET=${BUDGET:-580}
start=$(date +%s)
OUT=${OUT:-/tmp/out} bash "$here/bench_gpu.sh"
left=$((BUDGET - ($(date +%s) - start) - 210))
MIN=$((left / 60))
echo "bench done after $(($(date +%s) - start)) s; paper-1 runs for $MIN min"
[ "$MIN" -ge 2 ] && MIN=$MIN bash "$here/icl_gpu.sh"
ls -la "$OUT"
