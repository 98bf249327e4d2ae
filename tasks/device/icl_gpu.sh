#!/usr/bin/env bash
# Paper 1 synthetic runs on a lent GPU machine (what made the H100 runs in lib/icl/README.md).
# Prepare here, from the project root:
#   ../shared/device/pack.sh tasks/icl_train.ts && cp tasks/device/icl_gpu.sh .device/
#   mkdir -p .device/res/checkpoints   # optional: runs to extend, as a results DB + their checkpoints
# then call the device tool with carry [".device"] and the command
#   MIN=7 bash .device/icl_gpu.sh
# Every process trains for MIN minutes (then pauses, measures, checkpoints); a second call on the
# same warm machine resumes them. Bring back db.tgz and the checkpoints, then here:
#   tar xzf db.tgz && deno task icl:report --all --import res/results.sqlite
#   cp *.safetensors results/checkpoints/
MIN=${MIN:-7}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$here"/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -x /tmp/deno ] || { xz -d -c "$here/deno.xz" > /tmp/deno && chmod +x /tmp/deno; }
export NO_COLOR=1
R=/tmp/res; mkdir -p $R/checkpoints /tmp/logs
# Only on a fresh machine: a warm one keeps the runs of the previous call.
[ -f $R/results.sqlite ] || { [ -d "$here/res" ] && cp -r "$here"/res/* $R/; }
go() { local name=$1; shift; timeout $(( ${MIN%.*} * 60 + 120 )) /tmp/deno run -A "$here/icl_train.js" --backend webgpu --out $R --max-minutes $MIN "$@" > /tmp/logs/$name.log 2>&1; echo "$name exit $?"; }
# The processes share one GPU; each records its own dispatches on its own CPU core.
go cpu1 --preset cpu --seed 1 --steps 45000 --extend-from icl_synthetic-cpu-fourBases-seed1-9eb0f70e --name cpu-fourBases-seed1 &
go cpu2 --preset cpu --seed 2 --steps 45000 --extend-from icl_synthetic-cpu-fourBases-seed2-ce7e3eb3 --name cpu-fourBases-seed2 &
go gpu0 --preset gpu --seed 0 &
go gpu1 --preset gpu --seed 1 &
sleep 90; nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv
wait
for l in /tmp/logs/*.log; do echo "== $l"; tr '\r' '\n' < $l | grep '^\[icl' | tail -n 1; done
tar czf $OUT/db.tgz -C /tmp res/results.sqlite logs
for c in $R/checkpoints/*.safetensors; do case $c in *9eb0f70e*|*ce7e3eb3*) ;; *) cp $c $OUT/;; esac; done
ls -la $OUT
