#!/usr/bin/env bash
# Training speed on a lent GPU machine: ours (webgpu) vs PyTorch (CUDA, fp32) on 2x64x2x64,
# 4x128x4x64 and paper 1's 12x256x8x128 in ONE call, plus the levers' correctness check
# (the WGSL kernels vs plain tfjs ops on that GPU). See shared/device/README.md.
# Prepare here, from the project root:
#   ../shared/device/pack.sh tasks/bench.ts tests/backend/webgpu/levers_check.ts
#   cp tasks/device/bench_gpu.sh ../shared/bench/torch_gpt_step.py .device/
# then call the device tool with carry [".device"], timeout_s 540, and the command
#   bash .device/bench_gpu.sh
# (LEVERS=1 adds the round-robin levers of the largest shape, ~2 more minutes.) What comes back
# under $OUT: bench.json (formatBench(JSON.parse(...)) prints the tables; each result carries
# dispatches/copies/submits per step and GPU bytes), bench.log, levers_check.json, gpu.txt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
for f in "$here"/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -x /tmp/deno ] || { xz -d -c "$here/deno.xz" > /tmp/deno && chmod +x /tmp/deno; }
export NO_COLOR=1 TOOLKIT_QUIET=0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/gpu.txt" 2>&1
# 1. Correctness first (values and gradients of every lever's kernels vs tfjs ops): ~1 min.
timeout 150 /tmp/deno run -A "$here/levers_check.js" > "$OUT/levers_check.json" 2> "$OUT/levers_check.log"
echo "levers_check exit $?"
# 2. Ours then PyTorch, per shape, 3 warm-up + 30 queued steps each (as torch times CUDA).
extra=()
[ "${LEVERS:-0}" = 1 ] && extra+=(--levers)
timeout 330 /tmp/deno run -A "$here/bench.js" --backend webgpu --steps 30 --warmup 3 \
  --configs 2x64x2x64,4x128x4x64,12x256x8x128 --no-matmul \
  --torch-script "$here/torch_gpt_step.py" --python python3 --torch-device cuda \
  "${extra[@]}" --json > "$OUT/bench.json" 2> "$OUT/bench.log"
echo "bench exit $?"
tail -n 5 "$OUT/bench.log"
ls -la "$OUT"
