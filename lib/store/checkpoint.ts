/**
 * Checkpoints in the safetensors format (an 8-byte little-endian header length, a JSON header
 * of name → {dtype, shape, data_offsets}, then the raw bytes), so weights move freely between
 * this toolkit and PyTorch / Hugging Face tools. The same reader loads real model checkpoints.
 *
 * @module
 */
import { FileError } from "../util/cli.ts";

/** A named array with its shape. Float32 in memory whatever the stored dtype. */
export interface NamedArray {
  data: Float32Array;
  shape: number[];
}

/** A checkpoint's tensors and its string metadata (`__metadata__`). */
export interface Checkpoint {
  tensors: Record<string, NamedArray>;
  metadata: Record<string, string>;
}

const BYTES: Record<string, number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I32: 4,
  I64: 8,
  U8: 1,
  I8: 1,
};

/**
 * Serialises tensors to safetensors bytes (float32).
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: { data: new Float32Array(4), shape: [2, 2] } });
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, NamedArray>,
  opts: { metadata?: Record<string, string> } = {},
): Uint8Array {
  // deno-lint-ignore no-explicit-any
  const header: Record<string, any> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new Error(
        `tensor "${name}": shape [${t.shape}] holds ${n} values but data has ${t.data.length}`,
      );
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data starts 8-byte aligned (what the reference writer does).
  while ((8 + json.length) % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Parses safetensors bytes; F32, F16, BF16, F64, I32, I64, U8 and I8 are read into Float32Array.
 *
 * @example
 * ```ts
 * const { tensors } = decodeSafetensors(await Deno.readFile("model.safetensors"));
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  opts: { only?: (name: string) => boolean } = {},
): Checkpoint {
  if (bytes.length < 8) throw new Error("safetensors: file shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = Number(view.getBigUint64(0, true));
  if (8 + hlen > bytes.length) {
    throw new Error(`safetensors: header length ${hlen} exceeds the file`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen)));
  const base = 8 + hlen;
  const tensors: Record<string, NamedArray> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__" || (opts.only && !opts.only(name))) continue;
    const { dtype, shape, data_offsets: [start, end] } = info as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const width = BYTES[dtype];
    if (!width) {
      throw new Error(
        `safetensors: tensor "${name}" has unsupported dtype ${dtype} (allowed: ${
          Object.keys(BYTES).join(", ")
        })`,
      );
    }
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    if (end - start !== n * width) {
      throw new Error(`safetensors: tensor "${name}" byte range does not match its shape`);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + start, end - start);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      switch (dtype) {
        case "F32":
          data[i] = dv.getFloat32(4 * i, true);
          break;
        case "F16":
          data[i] = f16ToF32(dv.getUint16(2 * i, true));
          break;
        case "BF16": {
          const tmp = new DataView(new ArrayBuffer(4));
          tmp.setUint32(0, dv.getUint16(2 * i, true) << 16, true);
          data[i] = tmp.getFloat32(0, true);
          break;
        }
        case "F64":
          data[i] = dv.getFloat64(8 * i, true);
          break;
        case "I32":
          data[i] = dv.getInt32(4 * i, true);
          break;
        case "I64":
          data[i] = Number(dv.getBigInt64(8 * i, true));
          break;
        case "U8":
          data[i] = dv.getUint8(i);
          break;
        case "I8":
          data[i] = dv.getInt8(i);
          break;
      }
    }
    tensors[name] = { data, shape };
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}

/**
 * Writes a checkpoint atomically (a temporary file, then a rename), so a kill mid-write never
 * leaves a corrupt checkpoint behind.
 *
 * @example
 * ```ts
 * import type { NamedArray } from "toolkit";
 *
 * declare const tensors: Record<string, NamedArray>;
 * await saveCheckpoint("results/ckpt/run.safetensors", { tensors, metadata: { step: "100" } });
 * ```
 */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(ckpt.tensors, { metadata: ckpt.metadata }));
}

/**
 * Writes bytes atomically: its folder is created, the bytes go to a temporary file beside the
 * target, then a rename replaces the target — a kill mid-write leaves the old file whole.
 *
 * @example
 * ```ts
 * await writeFileAtomic("results/archive/x/manifest.json", new TextEncoder().encode("{}"));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}

/**
 * Reads a checkpoint, or returns null when the file does not exist.
 *
 * @example
 * ```ts
 * const ckpt = await loadCheckpoint("results/ckpt/run.safetensors");
 * ```
 */
export async function loadCheckpoint(
  path: string,
  opts: { only?: (name: string) => boolean } = {},
): Promise<Checkpoint | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new FileError(path, `cannot be read (${(e as Error).message})`, "check its permissions");
  }
  try {
    return decodeSafetensors(bytes, opts);
  } catch (e) {
    // A truncated or corrupt file (a disk filled up, a copy cut short): name it and the way out.
    throw new FileError(
      path,
      `not a readable checkpoint (${(e as Error).message.replace(/^safetensors: /, "")})`,
      "restore it, or delete it to train this run again from its start",
    );
  }
}
