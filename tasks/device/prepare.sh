#!/usr/bin/env bash
# Prepares .device/ for one call on a lent GPU machine that runs the GPU benchmark (issue 18) and
# then continues paper 1's runs from the committed archive (issue 14) — session.sh. Run from the
# project root of a clean checkout of main (the runs' provenance names this commit):
#   bash tasks/device/prepare.sh
# then call the device tool with carry [".device"], timeout_s 590 and the command
#   bash .device/session.sh
# and, back here, from the returned files (FILES_AT):
#   for t in FILES_AT/icl_runs_*.tgz; do tar xzf $t -C fixtures/runs; done
#   deno task runs:list --verify && git add fixtures/runs && git commit -m "…"
#   deno eval 'import {formatBench} from "./lib/bench/mod.ts"; console.log(formatBench(JSON.parse(Deno.readTextFileSync("FILES_AT/bench.json"))))'
set -euo pipefail
[ -z "$(git status --porcelain --untracked-files=no)" ] || echo "warning: uncommitted changes; the runs will be marked dirty" >&2
bash ../shared/device/pack.sh tasks/icl_train.ts tasks/runs_export.ts tasks/bench.ts tests/backend/webgpu/levers_check.ts
cp tasks/device/session.sh tasks/device/bench_gpu.sh tasks/device/icl_gpu.sh ../shared/bench/torch_gpt_step.py .device/
git rev-parse HEAD > .device/commit
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then echo 1 > .device/dirty; else rm -f .device/dirty; fi
du -sh .device
