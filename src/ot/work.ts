import type { Backend, OtCost } from '../backend/types.js';
import { otSumTrusted } from '../backend/js/ot.js';
import { AbortError } from '../errors.js';
import type { Problem } from './options.js';

/**
 * The solvers are generators that yield after every row block of a dense pass: the sync driver
 * runs them straight through, the async driver gives the event loop a turn now and then. Both run
 * the same arithmetic in the same order, so they return the same bits.
 */
export type Work<T> = Generator<void, T, void>;

export interface State {
  f: Float64Array;
  g: Float64Array;
  iterations: number;
  newtonIterations: number;
  cgIterations: number;
  history: number[];
}

export interface Ctx {
  be: Backend;
  p: Problem;
  C: OtCost;
  n: number;
  m: number;
  eps: number;
  a: Float64Array;
  b: Float64Array;
  /** eps * log(a), eps * log(b). */
  epsLogA: Float64Array;
  epsLogB: Float64Array;
  /** Row block boundaries (about 256k stored entries a block). */
  blocks: Int32Array;
  st: State;
  /** Scratch: row LSE (n), column LSE (m) and the streaming column state (m, m). */
  rowBuf: Float64Array;
  colBuf: Float64Array;
  colMax: Float64Array;
  colSum: Float64Array;
  /**
   * The last plan pass at the final potentials, with its stats, when a solver already made it
   * (SNS's converged Newton iteration): finish() uses it instead of a pass of its own.
   */
  finalPass?: { r: Float64Array; c: Float64Array; stats: Float64Array };
}

// Big enough that the native kernels' thread fork/join per block is noise (~1 ms of exp work),
// small enough that the async solver yields often.
const BLOCK_ENTRIES = 1 << 18;

function rowBlocks(C: OtCost): Int32Array {
  const bounds: number[] = [0];
  if (C.kind === 'dense') {
    const step = Math.max(1, Math.ceil(BLOCK_ENTRIES / Math.max(1, C.cols)));
    for (let r = step; r < C.rows; r += step) bounds.push(r);
  } else {
    let last = 0;
    for (let r = 1; r < C.rows; r++) {
      if (C.rowPtr[r] - C.rowPtr[last] >= BLOCK_ENTRIES) {
        bounds.push(r);
        last = r;
      }
    }
  }
  if (C.rows > 0) bounds.push(C.rows);
  return Int32Array.from(bounds);
}

function epsLog(v: Float64Array, eps: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = eps * Math.log(v[i]);
  return out;
}

export function makeCtx(be: Backend, p: Problem): Ctx {
  const { n, m, eps, a, b } = p;
  const epsLogA = epsLog(a, eps);
  const epsLogB = epsLog(b, eps);
  return {
    be,
    p,
    C: p.cost,
    n,
    m,
    eps,
    a,
    b,
    epsLogA,
    epsLogB,
    blocks: rowBlocks(p.cost),
    st: {
      f: p.f0 ? p.f0.slice() : new Float64Array(n),
      g: p.g0 ? p.g0.slice() : new Float64Array(m),
      iterations: 0,
      newtonIterations: 0,
      cgIterations: 0,
      history: [],
    },
    rowBuf: new Float64Array(n),
    colBuf: new Float64Array(m),
    colMax: new Float64Array(m),
    colSum: new Float64Array(m),
  };
}

/**
 * The same problem and state at another epsilon (SNS's epsilon scaling): shares the potentials,
 * counters, history and scratch; its tol is 0, so no stage there counts as converged.
 */
export function withEpsilon(ctx: Ctx, eps: number): Ctx {
  return { ...ctx, eps, p: { ...ctx.p, eps, tol: 0 }, epsLogA: epsLog(ctx.a, eps), epsLogB: epsLog(ctx.b, eps) };
}

export function checkAbort(ctx: Ctx): void {
  if (ctx.p.signal?.aborted) throw new AbortError();
}

/** Appends to the history and tells onIteration. */
export function record(ctx: Ctx, err: number, phase: 'sinkhorn' | 'newton'): void {
  ctx.st.history.push(err);
  ctx.p.onIteration?.({ iteration: ctx.st.iterations, marginalError: err, phase, epsilon: ctx.eps });
  checkAbort(ctx);
}

/** out[i] = eps * LSE_j((v_j - C_ij)/eps); `guess` approximates out (one pass per row where it is good). */
export function* lseRows(ctx: Ctx, v: Float64Array, out: Float64Array, guess: Float64Array | null = null): Work<void> {
  const B = ctx.blocks;
  for (let k = 0; k + 1 < B.length; k++) {
    ctx.be.otLseRows(ctx.C, v, ctx.eps, out, B[k], B[k + 1], guess);
    yield;
  }
}

/**
 * out[j] = eps * LSE_i((u_i - C_ij)/eps), streamed over row blocks. With `guess` (an estimate of
 * out), one pass shifted by it; if any column's sum falls outside the trusted window, the exact
 * two-pass streaming form runs for all columns.
 */
export function* lseCols(ctx: Ctx, u: Float64Array, out: Float64Array, guess: Float64Array | null = null): Work<void> {
  const { colMax, colSum, eps } = ctx;
  const B = ctx.blocks;
  if (guess) {
    const inv = 1 / eps;
    for (let j = 0; j < ctx.m; j++) colMax[j] = guess[j] * inv;
    colSum.fill(0);
    for (let k = 0; k + 1 < B.length; k++) {
      ctx.be.otLseColsShifted(ctx.C, u, eps, colMax, colSum, B[k], B[k + 1]);
      yield;
    }
    let trusted = true;
    for (let j = 0; j < ctx.m && trusted; j++) trusted = otSumTrusted(colSum[j]);
    if (trusted) {
      for (let j = 0; j < ctx.m; j++) out[j] = guess[j] + eps * Math.log(colSum[j]);
      return;
    }
  }
  colMax.fill(-Infinity);
  colSum.fill(0);
  for (let k = 0; k + 1 < B.length; k++) {
    ctx.be.otLseCols(ctx.C, u, eps, colMax, colSum, B[k], B[k + 1]);
    yield;
  }
  for (let j = 0; j < ctx.m; j++) out[j] = eps * (colMax[j] + Math.log(colSum[j]));
}

/**
 * Plan pass: row and column sums, stats = [<C,P>, sum P log P] unless null, P stored unless null;
 * entries below `floor` count as zero (Backend.otPlanPass).
 */
export function* planPass(ctx: Ctx, f: Float64Array, g: Float64Array, P: Float64Array | null, r: Float64Array, c: Float64Array, stats: Float64Array | null, floor = 0): Work<void> {
  c.fill(0);
  stats?.fill(0);
  const B = ctx.blocks;
  for (let k = 0; k + 1 < B.length; k++) {
    ctx.be.otPlanPass(ctx.C, f, g, ctx.eps, P, r, c, stats, B[k], B[k + 1], floor);
    yield;
  }
}

/**
 * The entries of P below this share of the plan's mass are left out of the line-search sums where
 * they could add only less than 2^-230 of it (Backend.otExpm1Dot's tiny; their products are
 * subnormal numbers).
 */
const TINY_SHARE = 2 ** -600;

/** The mass of a (and of b), summed in index order. */
export function massOf(ctx: Ctx): number {
  let mass = 0;
  for (let i = 0; i < ctx.n; i++) mass += ctx.a[i];
  return mass;
}

/** The tiny of Backend.otExpm1Dot for this problem: TINY_SHARE times the mass. */
export function tinyEntry(ctx: Ctx): number {
  return TINY_SHARE * massOf(ctx);
}

/** sum_ij P_ij (expm1(t) - t), t = scale (df_i + dg_j), tiny entries skipped (Backend.otExpm1Dot). */
export function* expm1Dot(ctx: Ctx, P: Float64Array, df: Float64Array, dg: Float64Array, scale: number, tiny: number): Work<number> {
  let acc = 0;
  const B = ctx.blocks;
  for (let k = 0; k + 1 < B.length; k++) {
    acc = ctx.be.otExpm1Dot(ctx.C, P, df, dg, scale, acc, B[k], B[k + 1], tiny);
    yield;
  }
  return acc;
}

/** y = K x, or K^T x with `transpose`. */
export function* kernelMatvec(ctx: Ctx, K: OtCost, x: Float64Array, y: Float64Array, transpose: boolean): Work<void> {
  if (transpose) y.fill(0);
  const B = ctx.blocks;
  for (let k = 0; k + 1 < B.length; k++) {
    ctx.be.otKernelMatvec(K, x, y, transpose, B[k], B[k + 1]);
    yield;
  }
}

/**
 * The row half of a scaling-form iteration on a stored kernel K (see Backend.otScalingSweep):
 * uNew = a / (K v), colAcc = K^T uNew; returns the row marginal error of (uOld, v).
 */
export function* scalingSweep(ctx: Ctx, K: OtCost, v: Float64Array, uOld: Float64Array, uNew: Float64Array, colAcc: Float64Array): Work<number> {
  colAcc.fill(0);
  let err = 0;
  const B = ctx.blocks;
  for (let k = 0; k + 1 < B.length; k++) {
    err += ctx.be.otScalingSweep(K, v, ctx.a, uOld, uNew, colAcc, B[k], B[k + 1]);
    yield;
  }
  return err;
}
