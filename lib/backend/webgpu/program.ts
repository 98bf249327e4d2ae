/**
 * Recording the toolkit's own WGSL compute programs into tfjs-backend-webgpu's command stream.
 *
 * tfjs's `runWebGPUProgram` gives a program one output and wraps the shader in its own header,
 * so fused kernels with several outputs (LayerNorm: y, x̂, 1/σ) or that update their inputs in
 * place (Adam) cannot use it. {@link dispatch} does what tfjs's `recordAndSubmit` does — same
 * command encoder, same compute pass, same uniform-buffer pool, same deferred-submit batching,
 * same timestamp queries under `tf.profile` — for a complete shader written here.
 *
 * Binding convention of every shader: outputs first (`read_write`, binding 0 …), then inputs
 * (`read`), then one uniform struct of 32-bit scalars; all storage arrays are `array<f32>`.
 *
 * @module
 */
import { tf } from "../../deps.ts";
import { fusedKernelsEnabled } from "../fast_path.ts";
import { runToolkitKernel } from "../kernel_registry.ts";
import { envFlag } from "../../util/env.ts";

/** The parts of tfjs-backend-webgpu's `WebGPUBackend` (4.22) that the dispatcher uses. */
export interface GpuBackend {
  device: GPUDevice;
  tensorMap: {
    get(dataId: unknown):
      | { refCount: number; resource: GPUBuffer | null; values: unknown; dtype: string }
      | undefined;
  };
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  activeTimers: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: unknown): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** A complete WGSL program: its cache key, source and workgroup grid. */
export interface GpuProgram {
  /** Unique per distinct source (every compile-time constant goes into the key). */
  key: string;
  /** The WGSL source, built only when the key is new. Entry point `main`. */
  code: () => string;
  /** Workgroups along x, y, z. */
  grid: [number, number, number];
}

/** One uniform scalar: `u` (u32), `i` (i32) or `f` (f32). */
export type Uniform = [kind: "u" | "i" | "f", value: number];

/** A compiled program and its bind-group layout (asking the pipeline each time costs CPU). */
interface Compiled {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelines = new WeakMap<GPUDevice, Map<string, Compiled>>();

/**
 * Whether the fast-path ops run the toolkit's WGSL kernels now: the webgpu backend is active
 * and the fused kernels are on (`TOOLKIT_FUSED=0` turns them off, leaving tfjs ops).
 *
 * @example
 * ```ts
 * const path = gpuKernels() ? "toolkit WGSL kernels" : "tfjs ops";
 * ```
 */
export function gpuKernels(): boolean {
  return fusedKernelsEnabled() && tf.getBackend() === "webgpu";
}

/**
 * The active backend as the webgpu backend (throws elsewhere).
 *
 * @example
 * ```ts
 * const be = gpuBackend(); // after initBackend({ backend: "webgpu" })
 * ```
 */
export function gpuBackend(): GpuBackend {
  if (tf.getBackend() !== "webgpu") throw new Error("the webgpu backend is not active");
  return tf.backend() as unknown as GpuBackend;
}

/**
 * Records one dispatch of `program` writing `outputs` and reading `inputs` (tensor infos on
 * this backend; an output may be an existing tensor, which is then written in place).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const program: GpuProgram, x: tf.TensorInfo, n: number;
 * const be = gpuBackend();
 * const y = be.makeTensorInfo([n], "float32");
 * dispatch(be, program, [y], [x], [["u", n]]);
 * ```
 */
export function dispatch(
  be: GpuBackend,
  program: GpuProgram,
  outputs: tf.TensorInfo[],
  inputs: tf.TensorInfo[],
  uniforms: Uniform[] = [],
) {
  const { pipeline, layout } = pipelineFor(be.device, program);
  for (const t of [...outputs, ...inputs]) be.uploadToGPU(t.dataId);
  for (const t of outputs) {
    // An in-place write makes any copy tfjs cached on the CPU (after data()) stale.
    be.tensorMap.get(t.dataId)!.values = null;
  }
  const entries: GPUBindGroupEntry[] = [...outputs, ...inputs].map((t, i) => ({
    binding: i,
    resource: { buffer: be.tensorMap.get(t.dataId)!.resource! },
  }));
  if (uniforms.length) {
    entries.push({ binding: entries.length, resource: uniformBuffer(be, uniforms) });
  }
  for (const t of [...outputs, ...inputs]) be.commandQueueOwnedIds.add(t.dataId as object);
  const bindGroup = bindGroupFor(be.device, program.key, layout, entries);
  be.ensureCommandEncoderReady();
  const timed = be.activeTimers != null;
  if (timed && be.supportTimestampQuery) {
    be.endComputePassEncoder();
    be.querySet ??= be.device.createQuerySet({ type: "timestamp", count: be.querySetCount });
    be.computePassEncoder = be.commandEncoder!.beginComputePass({
      timestampWrites: {
        querySet: be.querySet,
        beginningOfPassWriteIndex: 0,
        endOfPassWriteIndex: 1,
      },
    });
  } else if (!be.computePassEncoder) {
    be.computePassEncoder = be.commandEncoder!.beginComputePass({});
  }
  const pass = be.computePassEncoder!;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...program.grid);
  be.dispatchCountInPass++;
  if (
    timed || Number(tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE")) <= be.dispatchCountInPass
  ) {
    be.endComputePassEncoder();
    if (timed) be.activeTimers!.push({ name: program.key, query: be.getQueryTime() });
    else be.submitQueue();
  }
}

function pipelineFor(device: GPUDevice, program: GpuProgram): Compiled {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, cache = new Map());
  let c = cache.get(program.key);
  if (!c) {
    const module = device.createShaderModule({ code: program.code(), label: program.key });
    const pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
      label: program.key,
    });
    cache.set(program.key, c = { pipeline, layout: pipeline.getBindGroupLayout(0) });
  }
  return c;
}

// Off by default: on an H100 it made a 12x256x8x128 step slower (62 vs 45 ms, round-robin
// levers, lib/bench/README.md) — building the key costs about what creating the group does.
let bindGroupCaching = envFlag("TOOLKIT_GPU_BINDCACHE", false);

/**
 * Turns the bind-group cache on or off (benchmark lever; `TOOLKIT_GPU_BINDCACHE=1` starts on).
 * Returns the previous setting.
 *
 * @example
 * ```ts
 * setBindGroupCache(false);
 * ```
 */
export function setBindGroupCache(on: boolean): boolean {
  const was = bindGroupCaching;
  bindGroupCaching = on;
  return was;
}

const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 0;
const bindGroups = new WeakMap<GPUDevice, Map<string, GPUBindGroup>>();
/** Bind groups kept (a 12-layer training step uses ~1,000 distinct ones). */
const BIND_GROUP_CACHE_SIZE = 8192;

/**
 * The bind group of a program over these buffers, made once. tfjs's buffer pool hands out the
 * same buffers in the same order every training step, so step after step the same
 * (program, buffers) combinations recur and creating a bind group — a call into the WebGPU
 * implementation per dispatch — is skipped. Pooled buffers are reused, not destroyed, while the
 * backend lives, so a cached group never refers to a destroyed buffer.
 */
function bindGroupFor(
  device: GPUDevice,
  key: string,
  layout: GPUBindGroupLayout,
  entries: GPUBindGroupEntry[],
): GPUBindGroup {
  if (!bindGroupCaching) return device.createBindGroup({ layout, entries });
  let cache = bindGroups.get(device);
  if (!cache) bindGroups.set(device, cache = new Map());
  let id = key;
  for (const e of entries) {
    const b = (e.resource as GPUBufferBinding).buffer;
    let n = bufferIds.get(b);
    if (n === undefined) bufferIds.set(b, n = nextBufferId++);
    id += ":" + n;
  }
  let group = cache.get(id);
  if (group) return group;
  if (cache.size >= BIND_GROUP_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  group = device.createBindGroup({ layout, entries });
  cache.set(id, group);
  return group;
}

/** Immutable uniform buffers by content, oldest first (Map keeps insertion order). */
const uniformCache = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();
/**
 * Distinct uniform contents kept. A training step repeats the same shapes every step, so almost
 * every dispatch finds its buffer here; only Adam's per-step constants are new each step, and
 * an entry is evicted (destroyed) only thousands of dispatches after its last use.
 */
const UNIFORM_CACHE_SIZE = 4096;

/**
 * A uniform buffer holding `values` (32-bit scalars in order), made once per distinct content
 * and never written again: no per-dispatch allocation or queue write, and a buffer cannot be
 * changed under a dispatch that is recorded but not yet submitted.
 */
function uniformBuffer(be: GpuBackend, values: Uniform[]): GPUBufferBinding {
  let cache = uniformCache.get(be.device);
  if (!cache) uniformCache.set(be.device, cache = new Map());
  const key = values.map(([k, v]) => k + v).join(",");
  let buf = cache.get(key);
  if (buf) {
    cache.delete(key); // most recently used goes last
  } else {
    buf = be.device.createBuffer({
      size: Math.max(16, values.length * 4),
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    const bytes = buf.getMappedRange();
    values.forEach(([k, v], i) => {
      if (k === "f") new Float32Array(bytes, i * 4, 1)[0] = v;
      else if (k === "i") new Int32Array(bytes, i * 4, 1)[0] = v;
      else new Uint32Array(bytes, i * 4, 1)[0] = v;
    });
    buf.unmap();
    if (cache.size >= UNIFORM_CACHE_SIZE) {
      const [oldKey, old] = cache.entries().next().value!;
      cache.delete(oldKey);
      old.destroy();
    }
  }
  cache.set(key, buf);
  return { buffer: buf, offset: 0, size: values.length * 4 };
}

/** Largest workgroup count per grid dimension that every WebGPU device accepts. */
const MAX_GRID = 65535;

/**
 * A grid of `groups` workgroups folded into x and y (each at most 65,535); shaders recover the
 * flat workgroup index as `wid.y * nwg.x + wid.x` and skip the excess.
 *
 * @example
 * ```ts
 * flatGrid(100_000); // [50000, 2, 1]
 * ```
 */
export function flatGrid(groups: number): [number, number, number] {
  if (groups <= MAX_GRID) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / MAX_GRID);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * Allocates a float32 output on the backend.
 *
 * @example
 * ```ts
 * const y = output(gpuBackend(), [4, 8]);
 * ```
 */
export function output(be: GpuBackend, shape: number[]): tf.TensorInfo {
  return be.makeTensorInfo(shape, "float32");
}

/**
 * A WGSL f32 literal (always with a decimal point or exponent).
 *
 * @example
 * ```ts
 * f32(1); // "1.0"
 * ```
 */
export function f32(x: number): string {
  const s = String(Math.fround(x));
  return /[.e]/.test(s) ? s : s + ".0";
}

/**
 * Runs a toolkit kernel on the webgpu backend through the engine (so tf.profile, tidy and
 * gradients see it), registering it on first use.
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * declare const geluKernel: GpuKernelFunc, u: tf.Tensor;
 * const [y] = runGpuKernel("ToolkitGelu", geluKernel, { u });
 * ```
 */
export function runGpuKernel(
  kernelName: string,
  kernelFunc: GpuKernelFunc,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, number | boolean> = {},
): tf.Tensor[] {
  return runToolkitKernel("webgpu", kernelName, kernelFunc, inputs, attrs);
}

/** A kernel function as tfjs calls it on the webgpu backend. */
export type GpuKernelFunc = (args: {
  inputs: Record<string, tf.TensorInfo>;
  backend: GpuBackend;
  attrs?: Record<string, unknown>;
}) => tf.TensorInfo | tf.TensorInfo[];
