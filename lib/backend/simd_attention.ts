/**
 * Causal self-attention of a whole layer in one WebAssembly SIMD call each way: the kernel loops
 * over every (sequence, head) of qkv [B·T, 3d] itself and, per head, computes the scores, the
 * softmax and the products row by row while they are in cache. It replaces the per-head path of
 * `attention.ts` (per layer of 4x128x4x64: a JavaScript loop over 256 heads making 1,536 OpenBLAS
 * sgemm calls on 40×40×32 blocks, where the call and packing cost as much as the arithmetic, and
 * the softmax kernels between them): in a training step of that model, forward and backward
 * per layer went from ~12.5 to ~8 ms of kernel time on this 2-core EPYC (lib/bench/README.md).
 *
 * The head size is fixed when a module is built (one module per head size), so a row of hd
 * floats is hd/4 v128 registers with constant offsets. Each sequence's Q, K and V (backward: and
 * dO) are first copied, row by row in memory order, into contiguous rows per head: in qkv a
 * head's rows lie 3d floats apart (1,536 bytes at d 128), which maps them onto a few L1 sets
 * where they evict each other (unpacked, the kernel ran ~1.5× slower), and reading whole rows
 * in order lets the prefetchers stream the sequence in (packed per head, it took ~25% longer).
 * Products of two row-major blocks then take one of two shapes, neither needing a transpose:
 *
 * - dot rows (S = Q·Kᵀ, dP = dO·Vᵀ): row i of A stays in registers; four rows of B at a time
 *   give four lane-wise partial sums, and two rounds of shuffles add them into one vector of
 *   four scores (no horizontal sum per score);
 * - combinations (O = P·V, dQ = dS·K, dV = Pᵀ·dO, dK = dSᵀ·Q): the output row accumulates one
 *   broadcast weight (`v128.load32_splat`) times each row of B, at most 8 registers at a time.
 *
 * Multiply-adds are relaxed SIMD's `f32x4.relaxed_madd` where the engine has it (one FMA on
 * x86-64; ~10% faster here), else a multiply and an add. Only the causal part is computed: row i
 * of the scores covers the 4-column chunks up to the diagonal (the diagonal chunk's lanes beyond
 * i are masked in the softmax, where P becomes exactly 0), so T must be a multiple of 4; the
 * combinations stop at the diagonal.
 *
 * @module
 */
import { assemble, Code, relaxedSimdSupported } from "./wasm_asm.ts";
import { emitExp, expConstants, guard, params, type Range, simdKernels } from "./simd_kernels.ts";
import { envSwitch } from "../util/env.ts";

/** Most v128 accumulators one combination loop keeps (x86-64 has 16 vector registers). */
const GROUP = 8;

/**
 * One layer's attention, forward and backward, for the head size its module was built for.
 * Pointers are byte offsets into the wasm memory; B sequences of T rows, d = heads · hd.
 */
export interface FusedAttentionKernels {
  /**
   * out [B·T, d] (head h in columns h·hd …) and probs [B·H, T, T] (row i: softmax over columns
   * ≤ i, exactly 0 beyond) from qkv [B·T, 3d]; scores scaled by `scale` (1/√hd). `scratch`:
   * {@link attentionScratch}`(T, d).forward` floats.
   */
  forward(
    qkv: number,
    out: number,
    probs: number,
    scratch: number,
    B: number,
    H: number,
    T: number,
    d: number,
    scale: number,
  ): void;
  /**
   * dqkv [B·T, 3d] (every element written) from dout [B·T, d], qkv and the forward's probs.
   * `scratch`: {@link attentionScratch}`(T, d).backward` floats.
   */
  backward(
    dout: number,
    qkv: number,
    probs: number,
    dqkv: number,
    scratch: number,
    B: number,
    H: number,
    T: number,
    d: number,
    scale: number,
  ): void;
}

/** The i32 and v128 locals that the emitters below share within one function. */
class Emitter {
  readonly a: number[];
  readonly acc: number[];
  readonly bp: number[];
  readonly t0: number;
  readonly t1: number;
  readonly jb: number;
  readonly t: number;
  readonly pp: number;
  readonly at: number;
  readonly pv: number;
  readonly ldb4: number;
  readonly ps: number[];
  readonly sm: Record<string, number>;

  /**
   * `chunks`: hd / 4, the v128s in one row of a head; `fma`: multiply-adds as relaxed SIMD's
   * relaxed_madd (one instruction where the CPU has FMA) instead of a multiply and an add.
   */
  constructor(
    readonly c: Code,
    readonly chunks: number,
    softmax: boolean,
    readonly fma: boolean,
  ) {
    this.a = c.localsOf("v128", chunks);
    this.acc = c.localsOf("v128", Math.max(4, Math.min(chunks, GROUP)));
    this.bp = c.localsOf("i32", 4);
    [this.t0, this.t1, this.pv] = c.localsOf("v128", 3);
    [this.jb, this.t, this.pp, this.at, this.ldb4] = c.localsOf("i32", 5);
    this.ps = c.localsOf("i32", 5);
    this.sm = {};
    if (softmax) {
      const k = expConstants(c);
      Object.assign(this.sm, k, {
        lanes: c.local("v128"),
        mask: c.local("v128"),
        vmax: c.local("v128"),
        vsum: c.local("v128"),
        x: c.local("v128"),
        e: c.local("v128"),
        neg: c.constant(-3.0e38),
        zero: c.zero(),
      });
      c.vconst([0, 1, 2, 3]).set(this.sm.lanes);
    }
  }

  /** acc ← acc + x·y, where `x` and `y` push one v128 each. */
  mac(acc: number, x: () => void, y: () => void) {
    const { c } = this;
    if (this.fma) {
      x();
      y();
      c.get(acc).madd().set(acc);
    } else {
      c.get(acc);
      x();
      y();
      c.mul().add().set(acc);
    }
  }

  /**
   * s[0 … used) (bytes, a multiple of 16) = a·b_jᵀ (· scale) for the columns j of those chunks:
   * `a` points at one row, `b` at row 0 of B (rows `ldb` bytes apart; ldb4 = 4·ldb is set here).
   */
  dotRows(a: number, b: number, ldb: number, s: number, used: number, scale: number | null) {
    const { c, chunks } = this, [a0, a1, a2, a3] = this.acc, bp = this.bp;
    this.a.forEach((l, k) => c.get(a).load(16 * k).set(l));
    c.get(ldb).i32(4).i32Mul().set(this.ldb4);
    c.get(b).set(bp[0]);
    for (let m = 1; m < 4; m++) c.get(bp[m - 1]).get(ldb).i32Add().set(bp[m]);
    c.loop(this.jb, used, 16, () => {
      // Four lane-wise partial dot products (columns j … j+3), interleaved so the chains overlap.
      for (let k = 0; k < chunks; k++) {
        for (let m = 0; m < 4; m++) {
          if (k > 0) this.mac(this.acc[m], () => c.get(this.a[k]), () => c.get(bp[m]).load(16 * k));
          else c.get(this.a[k]).get(bp[m]).load(16 * k).mul().set(this.acc[m]);
        }
      }
      for (let m = 0; m < 4; m++) c.get(bp[m]).get(this.ldb4).i32Add().set(bp[m]);
      // [Σa0, Σa1, Σa2, Σa3] by unpack-low/high then move-low/high-half additions.
      c.get(a0).get(a1).shuffle([0, 4, 1, 5]).get(a0).get(a1).shuffle([2, 6, 3, 7]).add()
        .set(this.t0);
      c.get(a2).get(a3).shuffle([0, 4, 1, 5]).get(a2).get(a3).shuffle([2, 6, 3, 7]).add()
        .set(this.t1);
      c.get(s).get(this.jb).i32Add();
      c.get(this.t0).get(this.t1).shuffle([0, 1, 4, 5]);
      c.get(this.t0).get(this.t1).shuffle([2, 3, 6, 7]).add();
      if (scale !== null) c.get(scale).mul();
      c.store();
    });
  }

  /**
   * Row s in place: softmax over its first `n` columns (an i32 local, ≥ 1) within the first
   * `used` bytes, 0 from column n to the end of the row (`rowBytes`).
   */
  softmaxRow(s: number, n: number, used: number, rowBytes: number) {
    const { c } = this, k = this.sm, jb = this.jb, full = this.t, diag = this.pp;
    // Chunks before the diagonal one are all ≤ i; only the diagonal chunk is masked (its lanes
    // < n − its first column), so the loops over the others carry no mask.
    c.get(used).i32(16).i32Sub().tee(full).get(s).i32Add().set(diag);
    c.get(k.lanes).get(n).get(full).i32(2).i32ShrU().i32Sub().f32FromU32().splat().lt().set(k.mask);
    c.get(diag).load().get(k.neg).get(k.mask).bitselect().set(k.vmax);
    c.loop(jb, full, 16, () => c.get(s).get(jb).i32Add().load().get(k.vmax).pmax().set(k.vmax));
    c.get(k.vmax).lane(0).get(k.vmax).lane(1).f32Max().get(k.vmax).lane(2).f32Max()
      .get(k.vmax).lane(3).f32Max().splat().set(k.vmax);
    c.get(diag).load().get(k.vmax).sub().set(k.x);
    emitExp(c, k.x, k.e, k, { fma: this.fma });
    c.get(k.e).get(k.mask).and().set(k.vsum);
    c.get(diag).get(k.vsum).store();
    c.loop(jb, full, 16, () => {
      c.get(s).get(jb).i32Add().load().get(k.vmax).sub().set(k.x);
      emitExp(c, k.x, k.e, k, { fma: this.fma });
      c.get(s).get(jb).i32Add().get(k.e).store();
      c.get(k.vsum).get(k.e).add().set(k.vsum);
    });
    c.f32(1).hsum(k.vsum).f32Div().splat().set(k.x);
    c.loop(jb, used, 16, () => {
      c.get(s).get(jb).i32Add().get(s).get(jb).i32Add().load().get(k.x).mul().store();
    });
    c.loop(jb, rowBytes, 16, () => c.get(s).get(jb).i32Add().get(k.zero).store(), {
      local: used,
    });
  }

  /** Row s in place over `used` bytes: s ← p ⊙ (s − Σ s⊙p) (dS from dP = s, P = p). */
  softmaxGradRow(s: number, p: number, used: number) {
    const { c } = this, jb = this.jb, [acc] = this.acc;
    c.f32(0).splat().set(acc);
    c.loop(jb, used, 16, () => {
      c.get(s).get(jb).i32Add().load().get(p).get(jb).i32Add().load().mul().get(acc).add()
        .set(acc);
    });
    c.hsum(acc).splat().set(this.t0);
    c.loop(jb, used, 16, () => {
      c.get(s).get(jb).i32Add();
      c.get(s).get(jb).i32Add().load().get(this.t0).sub().get(p).get(jb).i32Add().load().mul();
      c.store();
    });
  }

  /**
   * Row o (hd floats) = alpha · Σ_{t = from … to−1} w_t · a_t: weights w_t at p, p + pStep, …
   * (bytes: 4 along a row of P, a row's bytes down a column), rows a_t at a, a + lda, ….
   * `from` null starts at t = 0; `alpha` null is 1.
   */
  combine(
    w: { p: number; pStep: number | { local: number } },
    a: number,
    lda: number,
    range: { from: number | null; to: number },
    o: number,
    alpha: number | null,
  ) {
    const { c, chunks } = this;
    for (let g0 = 0; g0 < chunks; g0 += GROUP) {
      const acc = this.acc.slice(0, Math.min(GROUP, chunks - g0));
      acc.forEach((l) => c.f32(0).splat().set(l));
      c.get(w.p).set(this.pp).get(a).set(this.at);
      c.loop(this.t, range.to, 1, () => {
        c.get(this.pp).loadSplat().set(this.pv);
        acc.forEach((l, k) =>
          this.mac(l, () => c.get(this.pv), () => c.get(this.at).load(16 * (g0 + k)))
        );
        c.get(this.pp);
        if (typeof w.pStep === "number") c.i32(w.pStep);
        else c.get(w.pStep.local);
        c.i32Add().set(this.pp);
        c.get(this.at).get(lda).i32Add().set(this.at);
      }, range.from === null ? undefined : { local: range.from });
      acc.forEach((l, k) => {
        c.get(o).get(l);
        if (alpha !== null) c.get(alpha).mul();
        c.store(16 * (g0 + k));
      });
    }
  }

  /**
   * Copies `blocks` column blocks of every head of one sequence into contiguous per-head rows:
   * from rows `ld` bytes apart at `src` (block m of head h at byte m·dB + h·hdB of a row) to
   * `dst` + h·headBytes + m·T·hdB. Rows are read in memory order (all heads of a row at once),
   * so the hardware prefetchers stream the sequence in.
   */
  packSeq(
    src: number,
    ld: number,
    dst: number,
    blocks: number,
    g: { T: number; H: number; dB: number; hdB: number; headBytes: number; blockBytes: number },
  ) {
    const { c, chunks } = this, [h, sp, dp, ms, md] = this.ps;
    c.get(src).set(this.at).get(dst).set(this.pp);
    c.loop(this.t, g.T, 1, () => {
      c.get(this.at).set(sp).get(this.pp).set(dp);
      c.loop(h, g.H, 1, () => {
        c.get(sp).set(ms).get(dp).set(md);
        for (let m = 0; m < blocks; m++) {
          if (m > 0) {
            c.get(ms).get(g.dB).i32Add().set(ms);
            c.get(md).get(g.blockBytes).i32Add().set(md);
          }
          for (let k = 0; k < chunks; k++) c.get(md).get(ms).load(16 * k).store(16 * k);
        }
        c.get(sp).get(g.hdB).i32Add().set(sp);
        c.get(dp).get(g.headBytes).i32Add().set(dp);
      });
      c.get(this.at).get(ld).i32Add().set(this.at);
      c.get(this.pp).get(g.hdB).i32Add().set(this.pp);
    });
  }
}

/**
 * Common locals: byte strides (qkv rows `ld`, out rows `ldo`, a packed head row `hdB`, a T×T
 * row `rowBytes`), d in bytes, per-row counters, and the batch and head counters.
 */
function strides(c: Code, T: number, d: number, chunks: number) {
  const [ld, ldo, hdB, rowBytes, dB, n, used, i, bI, hI] = c.localsOf("i32", 10);
  c.get(d).i32(4).i32Mul().tee(dB).tee(ldo).i32(3).i32Mul().set(ld);
  c.i32(16 * chunks).set(hdB);
  c.get(T).i32(4).i32Mul().set(rowBytes);
  return { ld, ldo, hdB, rowBytes, dB, n, used, i, bI, hI };
}

/** n = i + 1 columns; used = bytes of the 4-column chunks holding columns ≤ i. */
function rowCounts(c: Code, i: number, n: number, used: number) {
  c.get(i).i32(1).i32Add().set(n);
  c.get(i).i32(4).i32Add().i32(2).i32ShrU().i32(16).i32Mul().set(used);
}

function forward(chunks: number, fma: boolean): Code {
  const c = new Code(params(8, 1));
  const [qkv, out, probs, scratch, B, H, T, d, scale] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const e = new Emitter(c, chunks, true, fma);
  const { ld, ldo, hdB, rowBytes, dB, n, used, i, bI, hI } = strides(c, T, d, chunks);
  const [seqQ, seqO, oh, ph, qp, kp, vp, qi, si, oi, blockBytes, headBytes] = c.localsOf("i32", 12);
  const scaleV = c.local("v128");
  c.get(scale).splat().set(scaleV);
  // scratch: per head, its Q, K and V rows packed (T·hd floats each).
  c.get(T).get(hdB).i32Mul().tee(blockBytes).i32(3).i32Mul().set(headBytes);
  const g = { T, H, dB, hdB, headBytes, blockBytes };
  c.get(qkv).set(seqQ).get(out).set(seqO).get(probs).set(ph);
  c.loop(bI, B, 1, () => {
    e.packSeq(seqQ, ld, scratch, 3, g);
    c.get(scratch).set(qp).get(seqO).set(oh);
    c.loop(hI, H, 1, () => {
      c.get(qp).get(blockBytes).i32Add().tee(kp).get(blockBytes).i32Add().set(vp);
      c.get(qp).set(qi).get(ph).set(si).get(oh).set(oi);
      c.loop(i, T, 1, () => {
        rowCounts(c, i, n, used);
        e.dotRows(qi, kp, hdB, si, used, scaleV);
        e.softmaxRow(si, n, used, rowBytes);
        e.combine({ p: si, pStep: 4 }, vp, hdB, { from: null, to: n }, oi, null);
        c.get(qi).get(hdB).i32Add().set(qi);
        c.get(si).get(rowBytes).i32Add().set(si);
        c.get(oi).get(ldo).i32Add().set(oi);
      });
      c.get(si).set(ph); // the next head's T×T block
      c.get(qp).get(headBytes).i32Add().set(qp);
      c.get(oh).get(hdB).i32Add().set(oh);
    });
    c.get(seqQ).get(T).get(ld).i32Mul().i32Add().set(seqQ);
    c.get(seqO).get(T).get(ldo).i32Mul().i32Add().set(seqO);
  });
  return c;
}

function backward(chunks: number, fma: boolean): Code {
  const c = new Code(params(9, 1));
  const [dout, qkv, probs, dqkv, scratch, B, H, T, d, scale] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const e = new Emitter(c, chunks, false, fma);
  const { ld, ldo, hdB, rowBytes, dB, n, used, i, bI, hI } = strides(c, T, d, chunks);
  const [seqQ, seqG, seqD, gh, ph, heads, blockBytes, headBytes] = c.localsOf("i32", 8);
  const [doi, si, pi, gi, qi, go, gv, diag, qp, kp, vp, dop, dS] = c.localsOf("i32", 13);
  const scaleV = c.local("v128");
  c.get(scale).splat().set(scaleV);
  c.get(rowBytes).i32(4).i32Add().set(diag); // from (i, i) to (i + 1, i + 1)
  // scratch: dS [T, T], then per head its Q, K, V and dO rows packed (T·hd floats each).
  c.get(scratch).set(dS);
  c.get(dS).get(T).get(rowBytes).i32Mul().i32Add().set(heads);
  c.get(T).get(hdB).i32Mul().tee(blockBytes).i32(4).i32Mul().set(headBytes);
  const g = { T, H, dB, hdB, headBytes, blockBytes };
  c.get(qkv).set(seqQ).get(dqkv).set(seqG).get(dout).set(seqD).get(probs).set(ph);
  c.loop(bI, B, 1, () => {
    e.packSeq(seqQ, ld, heads, 3, g);
    c.get(heads).get(blockBytes).i32(3).i32Mul().i32Add().set(dop);
    e.packSeq(seqD, ldo, dop, 1, g);
    c.get(heads).set(qp).get(seqG).set(gh);
    c.loop(hI, H, 1, () => {
      c.get(qp).get(blockBytes).i32Add().tee(kp).get(blockBytes).i32Add().tee(vp)
        .get(blockBytes).i32Add().set(dop);
      // Row by row: dP = dO·Vᵀ, dS = P ⊙ (dP − Σ dP⊙P) kept in scratch, dQ = scale · dS·K.
      c.get(dop).set(doi).get(dS).set(si).get(ph).set(pi).get(gh).set(gi);
      c.loop(i, T, 1, () => {
        rowCounts(c, i, n, used);
        e.dotRows(doi, vp, hdB, si, used, null);
        e.softmaxGradRow(si, pi, used);
        e.combine({ p: si, pStep: 4 }, kp, hdB, { from: null, to: n }, gi, scaleV);
        c.get(doi).get(hdB).i32Add().set(doi);
        c.get(si).get(rowBytes).i32Add().set(si);
        c.get(pi).get(rowBytes).i32Add().set(pi);
        c.get(gi).get(ld).i32Add().set(gi);
      });
      // Column by column (rows i ≥ j): dV = Pᵀ·dO, dK = scale · dSᵀ·Q.
      c.get(ph).set(pi).get(dS).set(si).get(dop).set(doi).get(qp).set(qi).get(gh).set(gi);
      c.loop(i, T, 1, () => {
        const down = { local: rowBytes }, rows = { from: i, to: T };
        c.get(gi).get(dB).i32Add().tee(go).get(dB).i32Add().set(gv);
        e.combine({ p: pi, pStep: down }, doi, hdB, rows, gv, null);
        e.combine({ p: si, pStep: down }, qi, hdB, rows, go, scaleV);
        c.get(pi).get(diag).i32Add().set(pi);
        c.get(si).get(diag).i32Add().set(si);
        c.get(doi).get(hdB).i32Add().set(doi);
        c.get(qi).get(hdB).i32Add().set(qi);
        c.get(gi).get(ld).i32Add().set(gi);
      });
      c.get(ph).get(T).get(rowBytes).i32Mul().i32Add().set(ph);
      c.get(qp).get(headBytes).i32Add().set(qp);
      c.get(gh).get(hdB).i32Add().set(gh);
    });
    c.get(seqQ).get(T).get(ld).i32Mul().i32Add().set(seqQ);
    c.get(seqG).get(T).get(ld).i32Mul().i32Add().set(seqG);
    c.get(seqD).get(T).get(ldo).i32Mul().i32Add().set(seqD);
  });
  return c;
}

/**
 * Floats of scratch the kernels need for T rows and d = heads · hd columns: forward, the packed
 * Q, K and V of one sequence's heads; backward, dS [T, T] and the packed Q, K, V and dO.
 *
 * @example
 * ```ts
 * const { forward, backward } = attentionScratch(40, 128); // 15,360 and 22,080 floats
 * ```
 */
export function attentionScratch(T: number, d: number): { forward: number; backward: number } {
  return { forward: 3 * T * d, backward: T * T + 4 * T * d };
}

const attentionSwitch = envSwitch("TOOLKIT_SIMD_ATTENTION", true);

/**
 * Turns the fused SIMD attention kernels on or off (benchmark lever and tests;
 * `TOOLKIT_SIMD_ATTENTION=0` starts off: the per-head path of `attention.ts`, OpenBLAS sgemm and
 * the SIMD softmax). Returns the previous setting.
 *
 * @example
 * ```ts
 * const was = setSimdAttention(false);
 * ```
 */
export function setSimdAttention(on: boolean): boolean {
  return attentionSwitch.set(on);
}

// Keyed by head size and FMA or not.
const modules = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, FusedAttentionKernels>>();

/**
 * The fused attention kernels for head size `hd` on `memory` (built once per head size,
 * instantiated once per memory), or null where they do not apply: turned off, SIMD off or
 * missing, hd not a multiple of 4 or above 256, T not a multiple of 4. The caller then takes the
 * per-head path. `fma` (default: where the engine has relaxed SIMD) builds the multiply-adds as
 * `f32x4.relaxed_madd` (one FMA instruction on x86-64 with FMA3, ~10% faster here); false
 * builds a multiply and an add (what tests compare too).
 *
 * @example
 * ```ts
 * import { tf } from "toolkit";
 *
 * const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } })
 *   .wasm.asm.memory;
 * const k = fusedAttentionKernels(memory, { hd: 32, T: 40 });
 * ```
 */
export function fusedAttentionKernels(
  memory: WebAssembly.Memory,
  opts: { hd: number; T: number; fma?: boolean },
): FusedAttentionKernels | null {
  const { hd, T } = opts;
  if (
    !attentionSwitch.on || hd % 4 !== 0 || hd < 4 || hd > 256 || T % 4 !== 0 || !simdKernels(memory)
  ) {
    return null;
  }
  const fma = opts.fma ?? relaxedSimdSupported(), key = `${hd}${fma ? " fma" : ""}`;
  let built = instances.get(memory);
  if (!built) instances.set(memory, built = new Map());
  const have = built.get(key);
  if (have) return have;
  let mod = modules.get(key);
  if (!mod) {
    const chunks = hd / 4;
    mod = new WebAssembly.Module(
      assemble({ forward: forward(chunks, fma), backward: backward(chunks, fma) }) as BufferSource,
    );
    modules.set(key, mod);
  }
  const raw = new WebAssembly.Instance(mod, { env: { memory } })
    .exports as unknown as FusedAttentionKernels;
  const check = (kernel: string, counts: Record<string, number>, ptrs: Record<string, number>) => {
    const { B, H, T: TT, d } = counts, rows = B * TT * 4, scratch = attentionScratch(TT, d);
    if (d !== H * hd) {
      throw new Error(`SIMD kernel ${kernel} (hd ${hd}): d = ${d} is not ${H} heads × ${hd}`);
    }
    const bytes: Record<string, number> = {
      qkv: rows * 3 * d,
      dqkv: rows * 3 * d,
      out: rows * d,
      dout: rows * d,
      probs: B * H * TT * TT * 4,
      scratch: 4 * (kernel === "attentionForward" ? scratch.forward : scratch.backward),
    };
    const ranges = Object.entries(ptrs).map(([name, p]): Range => [name, p, bytes[name]]);
    guard(memory, `${kernel} (hd ${hd})`, counts, ranges, ["T"]);
  };
  const k: FusedAttentionKernels = {
    forward(qkv, out, probs, scratch, B, H, TT, d, scale) {
      check("attentionForward", { B, H, T: TT, d }, { qkv, out, probs, scratch });
      raw.forward(qkv, out, probs, scratch, B, H, TT, d, scale);
    },
    backward(dout, qkv, probs, dqkv, scratch, B, H, TT, d, scale) {
      check("attentionBackward", { B, H, T: TT, d }, { dout, qkv, probs, dqkv, scratch });
      raw.backward(dout, qkv, probs, dqkv, scratch, B, H, TT, d, scale);
    },
  };
  built.set(key, k);
  return k;
}
