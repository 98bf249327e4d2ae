import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  DEFAULT_SLURM_RESOURCES,
  sbatchResourceLines,
  slurmResources,
} from "../../lib/sweep/mod.ts";
import { ConfigError } from "../../lib/util/validate.ts";

Deno.test("Slurm resources: defaults, accepted forms, sbatch lines", () => {
  assertEquals(slurmResources(), DEFAULT_SLURM_RESOURCES);
  const r = slurmResources({
    cpusPerTask: "2",
    mem: "500M",
    time: "1-12:00",
    partition: "gpu",
    gres: "gpu:a100:2",
  });
  assertEquals(r, {
    cpusPerTask: 2,
    mem: "500M",
    time: "1-12:00",
    partition: "gpu",
    gres: "gpu:a100:2",
  });
  for (const time of ["30", "30:00", "01:30:00", "2-0", "2-01:00:00"]) {
    assertEquals(slurmResources({ time }).time, time);
  }
  assertEquals(sbatchResourceLines(r), [
    "#SBATCH --cpus-per-task=2",
    "#SBATCH --mem=500M",
    "#SBATCH --time=1-12:00",
    "#SBATCH --partition=gpu",
    "#SBATCH --gres=gpu:a100:2",
  ]);
});

Deno.test("bad Slurm resources name the field and what it accepts", () => {
  const cases: [Record<string, string>, string][] = [
    [{ mem: "-4G" }, "mem"],
    [{ mem: "0" }, "mem"],
    [{ mem: "4 GB" }, "mem"],
    [{ cpusPerTask: "0" }, "cpus-per-task"],
    [{ cpusPerTask: "1.5" }, "cpus-per-task"],
    [{ time: "1h" }, "time"],
    [{ time: "0" }, "time"],
    [{ gres: "gpu=1" }, "gres"],
    [{ gres: "gpu:1:2:3" }, "gres"],
    [{ partition: "a b" }, "partition"],
  ];
  for (const [over, field] of cases) {
    const e = assertThrows(() => slurmResources(over), ConfigError) as ConfigError;
    assertEquals(e.field, field);
    assert(e.allowed.length > 0);
  }
});
