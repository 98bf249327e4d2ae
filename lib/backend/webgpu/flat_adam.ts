/**
 * Adam over every parameter in one launch: the parameters, both moments and the gradients live
 * side by side in four flat GPU buffers, and one WGSL dispatch updates them all.
 *
 * Why: one launch per parameter costs ~15 µs of CPU each on an H100 whatever its size, and the
 * paper model has ~150 parameters (lib/bench/README.md). tfjs tensors cannot be views into a
 * shared buffer, so each step copies the gradients in and the parameters out with
 * `copyBufferToBuffer` — commands on the encoder, no bind groups or pipelines, much cheaper to
 * record than a dispatch — and keeps the moments in the flat buffers between steps. The moment
 * variables of the optimiser are brought up to date only when asked ({@link syncFlatAdam}, for
 * checkpoints); a variable assigned from outside (a restored checkpoint, `model.load`) gets a
 * new dataId, which the next step notices and copies in.
 *
 * @module
 */
import type { tf } from "../../deps.ts";
import { ADAM_STEP_WGSL, type AdamStepConstants, adamUniforms } from "./elementwise.ts";
import { dispatch, flatGrid, type GpuBackend } from "./program.ts";
import { envSwitch } from "../../util/env.ts";

const WG = 256;

/** One parameter's place in the flat buffers, and the dataIds last synced with them. */
interface Slot {
  name: string;
  offset: number;
  size: number;
  p: unknown;
  m: unknown;
  v: unknown;
}

/** The flat state of one optimiser. */
interface FlatState {
  device: GPUDevice;
  names: string;
  slots: Slot[];
  total: number;
  P: tf.TensorInfo;
  M: tf.TensorInfo;
  V: tf.TensorInfo;
  G: tf.TensorInfo;
  /** The flat moments are newer than the moment variables. */
  momentsAhead: boolean;
}

const states = new WeakMap<object, FlatState>();

const flatSwitch = envSwitch("TOOLKIT_GPU_FLATADAM", true);

/**
 * Turns the one-launch Adam on or off (benchmark lever; `TOOLKIT_GPU_FLATADAM=0` starts off,
 * leaving one launch per parameter). Returns the previous setting.
 *
 * @example
 * ```ts
 * const was = setFlatAdam(false);
 * ```
 */
export function setFlatAdam(on: boolean): boolean {
  return flatSwitch.set(on);
}

/** Which state the moment variables of `owner` belong to (the key a caller keeps). */
export interface FlatAdamOwner {
  /** Moment estimates by parameter name (the optimiser's). */
  m: Map<string, tf.Variable>;
  /** Second moments by parameter name. */
  v: Map<string, tf.Variable>;
}

function dataOf(be: GpuBackend, t: tf.TensorInfo) {
  return be.tensorMap.get(t.dataId);
}

/**
 * One Adam step over all parameters in one dispatch (plus a copy per gradient in and per
 * parameter out). Returns false, doing nothing, when it cannot: a gradient missing or extra,
 * a tensor not float32, or a parameter's memory shared (refCount > 1, e.g. a live clone) —
 * the caller then updates parameter by parameter.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 * import { ADAM_STEP_WGSL, type AdamStepConstants, adamUniforms } from "./elementwise.ts";
 * import { gpuBackend } from "./program.ts";
 *
 * declare const params: Record<string, tf.Variable>, grads: tf.NamedTensorMap;
 * declare const m: Map<string, tf.Variable>, v: Map<string, tf.Variable>;
 * declare const hyper: AdamStepConstants;
 * if (!flatAdamStepGpu(gpuBackend(), params, { m, v }, grads, hyper)) {
 *   // one launch per parameter
 * }
 * ```
 */
export function flatAdamStepGpu(
  be: GpuBackend,
  params: Record<string, tf.Variable>,
  owner: FlatAdamOwner,
  grads: tf.NamedTensorMap,
  h: AdamStepConstants,
): boolean {
  if (!flatSwitch.on) return false;
  const names = Object.keys(params);
  if (names.length !== Object.keys(grads).length) return false;
  for (const n of names) {
    const p = params[n], g = grads[n], m = owner.m.get(n), v = owner.v.get(n);
    if (!g || !m || !v || g.size !== p.size) return false;
    for (const t of [p, m, v]) {
      if (t.dtype !== "float32" || dataOf(be, t)?.refCount !== 1) return false;
    }
    if (g.dtype !== "float32") return false;
  }
  const st = stateFor(be, owner, params, names);
  const enc = encoder(be);
  // Bring in whatever changed outside: a new dataId means an assign() since the last step.
  for (const s of st.slots) {
    const p = params[s.name], m = owner.m.get(s.name)!, v = owner.v.get(s.name)!;
    if (p.dataId !== s.p) copy(be, enc, p, 0, st.P, s.offset, s.size), s.p = p.dataId;
    if (m.dataId !== s.m) copy(be, enc, m, 0, st.M, s.offset, s.size), s.m = m.dataId;
    if (v.dataId !== s.v) copy(be, enc, v, 0, st.V, s.offset, s.size), s.v = v.dataId;
    copy(be, enc, grads[s.name], 0, st.G, s.offset, s.size);
  }
  const code = () =>
    `
@group(0) @binding(0) var<storage, read_write> p : array<f32>;
@group(0) @binding(1) var<storage, read_write> m : array<f32>;
@group(0) @binding(2) var<storage, read_write> v : array<f32>;
@group(0) @binding(3) var<storage, read> g : array<f32>;
struct U { n : u32, b1 : f32, c1 : f32, b2 : f32, c2 : f32, eps : f32, step : f32, sqrtBc2 : f32,
           decay : f32 };
@group(0) @binding(4) var<uniform> u : U;
@compute @workgroup_size(${WG}, 1, 1)
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) li : u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG}u + li;
  if (i >= u.n) { return; }` + ADAM_STEP_WGSL;
  // The per-parameter kernel's arithmetic (elementwise.ts), so the two paths give identical numbers.
  dispatch(
    be,
    { key: "toolkit_adam_flat", grid: flatGrid(Math.ceil(st.total / WG)), code },
    [st.P, st.M, st.V],
    [st.G],
    [["u", st.total], ...adamUniforms(h)],
  );
  const enc2 = encoder(be);
  for (const s of st.slots) copy(be, enc2, st.P, s.offset, params[s.name], 0, s.size);
  st.momentsAhead = true;
  return true;
}

/**
 * Copies the flat moments back into the optimiser's moment variables (before reading them for
 * a checkpoint). Does nothing when there is no flat state or it is already in sync.
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * declare const m: Map<string, tf.Variable>, v: Map<string, tf.Variable>;
 * syncFlatAdam(gpuBackend(), { m, v });
 * const m0 = await m.get("w")!.data();
 * ```
 */
export function syncFlatAdam(be: GpuBackend, owner: FlatAdamOwner) {
  const st = states.get(owner.m);
  if (!st || !st.momentsAhead || st.device !== be.device) return;
  const enc = encoder(be);
  for (const s of st.slots) {
    const m = owner.m.get(s.name), v = owner.v.get(s.name);
    // A moment assigned since the last step is newer than the flat copy: leave it; one moved
    // to another backend is no longer this backend's to write.
    if (m && m.dataId === s.m && dataOf(be, m)) copy(be, enc, st.M, s.offset, m, 0, s.size);
    if (v && v.dataId === s.v && dataOf(be, v)) copy(be, enc, st.V, s.offset, v, 0, s.size);
  }
  st.momentsAhead = false;
}

/**
 * Hands the state back to the optimiser's own variables before a step that does not take the
 * flat path (fused kernels turned off, a parameter shared, another backend): the moments are
 * copied out, and the next flat step copies parameters and moments in afresh — the other paths
 * may update them in place, which leaves their dataIds unchanged. A no-op without flat state.
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * declare const m: Map<string, tf.Variable>, v: Map<string, tf.Variable>;
 * leaveFlatAdam(gpuBackend(), { m, v }); // then update parameter by parameter
 * ```
 */
export function leaveFlatAdam(be: GpuBackend, owner: FlatAdamOwner) {
  const st = states.get(owner.m);
  if (!st) return;
  syncFlatAdam(be, owner);
  for (const s of st.slots) s.p = s.m = s.v = null;
}

/**
 * Frees the flat buffers of an optimiser (its `dispose()`).
 *
 * @example
 * ```ts
 * import type { tf } from "toolkit";
 * import { gpuBackend } from "./program.ts";
 *
 * declare const m: Map<string, tf.Variable>, v: Map<string, tf.Variable>;
 * disposeFlatAdam(gpuBackend(), { m, v });
 * ```
 */
export function disposeFlatAdam(be: GpuBackend | null, owner: FlatAdamOwner) {
  const st = states.get(owner.m);
  if (!st) return;
  states.delete(owner.m);
  if (be && st.device === be.device) {
    for (const t of [st.P, st.M, st.V, st.G]) be.disposeData(t.dataId, true);
  }
}

/** The flat state of `owner` for this parameter set, made (uninitialised) when new. */
function stateFor(
  be: GpuBackend,
  owner: FlatAdamOwner,
  params: Record<string, tf.Variable>,
  names: string[],
): FlatState {
  const key = names.map((n) => `${n}:${params[n].size}`).join(",");
  const old = states.get(owner.m);
  if (old && old.device === be.device && old.names === key) return old;
  if (old) {
    // A different parameter set (or backend): bring the moments home, start afresh.
    syncFlatAdam(be, owner);
    disposeFlatAdam(be, owner);
  }
  let total = 0;
  const slots: Slot[] = names.map((name) => {
    const size = params[name].size;
    const s = { name, offset: total, size, p: null, m: null, v: null };
    total += size;
    return s;
  });
  const make = () => be.makeTensorInfo([Math.max(1, total)], "float32");
  const st: FlatState = {
    device: be.device,
    names: key,
    slots,
    total,
    P: make(),
    M: make(),
    V: make(),
    G: make(),
    momentsAhead: false,
  };
  for (const t of [st.P, st.M, st.V, st.G]) be.uploadToGPU(t.dataId);
  states.set(owner.m, st);
  return st;
}

/** The command encoder with no compute pass open (copies cannot be recorded inside one). */
function encoder(be: GpuBackend): GPUCommandEncoder {
  be.ensureCommandEncoderReady();
  be.endComputePassEncoder();
  return be.commandEncoder!;
}

/** Copies `size` floats from src[srcOff …] to dst[dstOff …] (offsets in floats). */
function copy(
  be: GpuBackend,
  enc: GPUCommandEncoder,
  src: tf.TensorInfo,
  srcOff: number,
  dst: tf.TensorInfo,
  dstOff: number,
  size: number,
) {
  be.uploadToGPU(src.dataId);
  be.uploadToGPU(dst.dataId);
  const d = dataOf(be, dst)!;
  // dst is written on the GPU: a copy tfjs cached on the CPU (after data()) is stale now.
  d.values = null;
  be.commandQueueOwnedIds.add(src.dataId as object);
  be.commandQueueOwnedIds.add(dst.dataId as object);
  enc.copyBufferToBuffer(
    dataOf(be, src)!.resource!,
    srcOff * 4,
    d.resource!,
    dstOff * 4,
    size * 4,
  );
}
