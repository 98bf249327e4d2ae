#!/usr/bin/env bash
# Paper 1 synthetic runs on a lent GPU machine, in one time-boxed call that brings its runs back
# as archive entries (fixtures/runs/<id>/) ready to commit. Every run resumes from the committed
# archive when it is there (fixtures/runs travels with the working tree), so each lent device
# continues where the last one stopped.
#
# Prepare here, from the project root, on a clean commit of main:
#   ../shared/device/pack.sh tasks/icl_train.ts tasks/runs_export.ts
#   cp tasks/device/icl_gpu.sh .device/ && git rev-parse HEAD > .device/commit
#   git status --porcelain --untracked-files=no | grep -q . && echo 1 > .device/dirty
# then call the device tool with carry [".device"] and the command
#   MIN=8 bash .device/icl_gpu.sh
# and, back here, unpack and commit what it returned:
#   for t in FILES_AT/icl_runs_*.tgz; do tar xzf $t -C fixtures/runs; done
#   deno task runs:list --verify && git add fixtures/runs && git commit
#
# The runs: the asymmetry experiment (issue 14) on the `cpu` preset, three layouts × seeds 0–2:
# Garg's layout (y in coordinate 0, which basis 0 holds), coordinate 0 moved into basis 1, and y
# in a 17th input dimension; and the `gpu` preset toward phase (c). Each trains for MIN minutes,
# then pauses with its resumable state.
# Local dry run (CPU, a few minutes): PRESET=smoke STEPS=40 BACKEND=cpu SEEDS=1 GPU_SEEDS= MIN=1 OUT=/tmp/o bash THIS
set -uo pipefail
MIN=${MIN:-8}
PRESET=${PRESET:-cpu}
STEPS=${STEPS:-40000}
BACKEND=${BACKEND:-webgpu}
SEEDS=${SEEDS:-0 1 2}
GPU_SEEDS=${GPU_SEEDS-1}
GPU_STEPS=${GPU_STEPS:-40000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# The Vulkan loader packages, on the GPU machine only (never over a build machine's own).
if [ -d /usr/local/nvidia ] && ls "$here"/*.deb >/dev/null 2>&1; then
  for f in "$here"/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
DENO=$(command -v deno || true)
if [ -f "$here/deno.xz" ]; then
  [ -x /tmp/deno ] || { xz -d -c "$here/deno.xz" > /tmp/deno && chmod +x /tmp/deno; }
  DENO=/tmp/deno
fi
export NO_COLOR=1 TOOLKIT_QUIET=0
# Provenance: the bundle runs away from the git checkout, so it is told the commit it was packed
# from; the archive is the one that travelled with the tree.
export TOOLKIT_COMMIT=$(cat "$here/commit" 2>/dev/null || echo unknown)
export TOOLKIT_DIRTY=$(cat "$here/dirty" 2>/dev/null || echo 0)
export TOOLKIT_ARCHIVE="$root/fixtures/runs"
R=/tmp/icl_res
mkdir -p $R /tmp/icl_logs "$OUT"
B1='{"task":{"bases":[[4,1,2,3],[0,5,6,7],[8,9,10,11],[12,13,14,15]]}}'
SEP='{"task":{"yToken":"separate"}}'
go() {
  local name=$1 preset=$2 steps=$3
  shift 3
  # The pause takes the end-of-run measurements (a minute or two on the cpu preset).
  timeout $((${MIN%.*} * 60 + 150)) "$DENO" run -A "$here/icl_train.js" --backend "$BACKEND" \
    --results $R --max-minutes "$MIN" --preset "$preset" --steps "$steps" --name "$name" "$@" \
    > /tmp/icl_logs/$name.log 2>&1
  echo "$name exit $?"
}
for s in $SEEDS; do
  go "$PRESET-fourBases-seed$s" "$PRESET" "$STEPS" --seed "$s" &
  go "$PRESET-fourBases-seed$s-y-in-B1" "$PRESET" "$STEPS" --seed "$s" --set "$B1" &
  go "$PRESET-fourBases-seed$s-y-separate" "$PRESET" "$STEPS" --seed "$s" --set "$SEP" &
done
# Toward phase (c): the wider `gpu` preset (its seed 1 split its first concept by epoch 22 in an
# earlier session). Its state (~13 MB) is the largest that fits one returned file; the paper
# preset's (~110 MB) does not, so it cannot continue across devices.
for s in $GPU_SEEDS; do go "gpu-fourBases-seed$s" gpu "$GPU_STEPS" --seed "$s" & done
sleep 60
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv
wait
for l in /tmp/icl_logs/*.log; do
  echo "== $l"
  tr '\r' '\n' < "$l" | grep -E '^\[icl|rror' | tail -n 2
done
# Every run this call trained, as archive entries with their resumable state.
A=/tmp/icl_arch
rm -rf $A && mkdir -p $A
"$DENO" run -A "$here/runs_export.js" --results $R --archive $A --experiment icl_synthetic
# At most 16 MiB a returned file: pack the entries into tarballs of ≤ 14 MB.
i=0 size=0 list=()
flush() {
  [ ${#list[@]} -gt 0 ] && tar czf "$OUT/icl_runs_$i.tgz" -C $A "${list[@]}"
  i=$((i + 1)) size=0 list=()
}
for d in $(ls $A); do
  s=$(du -sk "$A/$d" | cut -f1)
  [ $((size + s)) -gt 14000 ] && flush
  list+=("$d")
  size=$((size + s))
done
flush
tar czf "$OUT/icl_logs.tgz" -C /tmp icl_logs
ls -la "$OUT"
