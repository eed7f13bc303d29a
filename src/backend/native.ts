import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapNativeError } from '../errors.js';
import { jsBackend } from './js/index.js';
import { wrapAsync, type AsyncKey, type NativeAsyncAddon } from './native-async.js';
import type { Values } from '../types.js';
import type { Backend, OtCost, OtLogJob, OtLogOutcome, OtHessianBuffers } from './types.js';

/** What the addon reports about itself (`info()` of the addon). */
export interface NativeInfo {
  version: string;
  simd: 'scalar' | 'avx2' | 'avx512' | 'neon';
  /** Every SIMD level this CPU can run, 'scalar' first. */
  simdSupported: string[];
  hardwareThreads: number;
  /** Threads a native kernel may use now (process-wide: setThreads / SPARSE_LINALG_THREADS). */
  threads: number;
  /** Set when SPARSE_LINALG_SIMD asked for a level that is unknown or beyond this CPU. */
  simdWarning?: string;
}

/** Runtime switches of the addon that are not kernels (tests use them to cover every SIMD level). */
export interface NativeControl {
  info(): NativeInfo;
  /** Switches this addon instance to another kernel table; throws for a level the CPU lacks. */
  setSimd(level: string): void;
  /** Caps the threads of every native kernel call, process-wide (all addon instances share one pool). */
  setThreads(n: number): void;
  /** The current cap (default: hardware threads, or SPARSE_LINALG_THREADS). */
  getThreads(): number;
  /**
   * Memory-bandwidth probe for bench/ (STREAM-like, current thread setting; the caller times it):
   * the sum of `a`. Internal, not part of the public API.
   */
  streamRead(a: Float64Array): number;
  /** a[i] = b[i] + s * c[i] (same lengths, a overlapping neither); the probe's triad. Internal. */
  streamTriad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void;
  /** out[k] = the kernels' vectorized exp of x[k] at the current SIMD level (accuracy tests). Internal. */
  otExpProbe(x: Float64Array, out: Float64Array): void;
}

export interface NativeLoad {
  backend: Backend | null;
  info: NativeInfo | null;
  control: NativeControl | null;
  error: Error | null;
}

/** The addon's OT entry points (native/binding/ot.cpp); wrap() adapts them to the Backend methods. */
interface OtAddon {
  otLseRowsDense(rows: number, cols: number, data: Values, v: Float64Array, eps: number, out: Float64Array, r0: number, r1: number, guess?: Float64Array | null): void;
  otLseColsDense(rows: number, cols: number, data: Values, u: Float64Array, eps: number, colMax: Float64Array, colSum: Float64Array, r0: number, r1: number): void;
  otLseColsShiftedDense?(rows: number, cols: number, data: Values, u: Float64Array, eps: number, shift: Float64Array, colSum: Float64Array, r0: number, r1: number): void;
  otPlanPassDense?(rows: number, cols: number, data: Values, f: Float64Array, g: Float64Array, eps: number, P: Float64Array | null, rowSums: Float64Array, colSums: Float64Array, stats: Float64Array | null, r0: number, r1: number, floor?: number): void;
  otExpm1DotDense?(rows: number, cols: number, P: Float64Array, df: Float64Array, dg: Float64Array, scale: number, acc: number, r0: number, r1: number, tiny?: number): number;
  otKernelMatvecDense?(rows: number, cols: number, K: Float64Array, x: Float64Array, y: Float64Array, transpose: boolean, r0: number, r1: number): void;
  otLseRowsCsr?(C: CsrCost, v: Float64Array, eps: number, out: Float64Array, r0: number, r1: number, guess: Float64Array | null): void;
  otLseColsCsr?(C: CsrCost, u: Float64Array, eps: number, colMax: Float64Array, colSum: Float64Array, r0: number, r1: number): void;
  otLseColsShiftedCsr?(C: CsrCost, u: Float64Array, eps: number, shift: Float64Array, colSum: Float64Array, r0: number, r1: number): void;
  otPlanPassCsr?(C: CsrCost, f: Float64Array, g: Float64Array, eps: number, P: Float64Array | null, rowSums: Float64Array, colSums: Float64Array, stats: Float64Array | null, r0: number, r1: number, floor?: number): void;
  otExpm1DotCsr?(C: CsrCost, P: Float64Array, df: Float64Array, dg: Float64Array, scale: number, acc: number, r0: number, r1: number, tiny?: number): number;
  otScalingSweepCsr?(K: CsrCost, v: Float64Array, a: Float64Array, uOld: Float64Array, uNew: Float64Array, colAcc: Float64Array, r0: number, r1: number): number;
  otScalingSweepDense?(rows: number, cols: number, K: Float64Array, v: Float64Array, a: Float64Array, uOld: Float64Array, uNew: Float64Array, colAcc: Float64Array, r0: number, r1: number): number;
  otLogSolveBatchDense?(jobs: OtLogJob[]): OtLogOutcome[];
  otSparsifyDense?(rows: number, cols: number, P: Float64Array, r: Float64Array, c: Float64Array, massDrop: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array): number;
  otSparsifyCsr?(C: CsrCost, P: Float64Array, r: Float64Array, c: Float64Array, massDrop: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array): number;
  otPcgSchur?(n: number, N: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number): number;
}
type OtMethod = 'otLseRows' | 'otLseCols' | 'otLseColsShifted' | 'otPlanPass' | 'otExpm1Dot' | 'otKernelMatvec' | 'otScalingSweep' | 'otLogSolveBatch' | 'otSparsify' | 'otPcg';

type Addon = { [K in Exclude<keyof Backend, 'name' | OtMethod | AsyncKey>]: Backend[K] } & NativeAsyncAddon & NativeControl & OtAddon;

const PACKAGE_NAME = 'sparse-linalg';

/**
 * The package root: the first directory above this module whose package.json is ours. Works from
 * src/backend/ (vitest, tsx) and from dist/ (tsup bundles this file into dist/index.{js,cjs}, with
 * import.meta.url shimmed in CJS).
 */
function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${start}`);
  }
}

/** Runs fn, turning an addon error into the library's typed errors. */
function mapped<R>(fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    throw mapNativeError(err);
  }
}

type CsrCost = Extract<OtCost, { kind: 'csr' }>;

/**
 * OT kernels: dense costs run native (ot_lse.hpp, ot_plan.hpp), and so do CSR costs (ot_csr.hpp);
 * a kernel matrix that is not Float64 and an addon built before a kernel existed run the JS twins.
 */
function wrapOt(addon: Addon): Pick<Backend, OtMethod> {
  const js = jsBackend;
  const { otLseColsShiftedDense: colsShifted, otPlanPassDense: planPass, otExpm1DotDense: expm1Dot, otKernelMatvecDense: matvec, otScalingSweepDense: sweep, otPlanPassCsr: planPassCsr, otExpm1DotCsr: expm1DotCsr, otScalingSweepCsr: sweepCsr, otLseRowsCsr: lseRowsCsr, otLseColsCsr: lseColsCsr, otLseColsShiftedCsr: colsShiftedCsr, otLogSolveBatchDense: batch, otSparsifyDense: sparsify, otSparsifyCsr: sparsifyCsr, otPcgSchur: pcg } = addon;
  return {
    ...(typeof pcg === 'function'
      ? {
          otPcg: (H: { rows: number; rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array }, n: number, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number) =>
            mapped(() => pcg.call(addon, n, H.rows, H.rowPtr, H.colIdx, H.values, diag, rhs, x, rtol, maxIter)),
        }
      : {}),
    ...(typeof sparsify === 'function' && typeof sparsifyCsr === 'function'
      ? {
          otSparsify: (C: OtCost, P: Float64Array, r: Float64Array, c: Float64Array, massDrop: number, out: OtHessianBuffers) =>
            mapped(() =>
              C.kind === 'dense'
                ? sparsify.call(addon, C.rows, C.cols, P, r, c, massDrop, out.rowPtr, out.colIdx, out.values)
                : sparsifyCsr.call(addon, C, P, r, c, massDrop, out.rowPtr, out.colIdx, out.values),
            ),
        }
      : {}),
    ...(typeof batch === 'function' ? { otLogSolveBatch: (jobs: OtLogJob[]) => mapped(() => batch.call(addon, jobs)) } : {}),
    otLseRows: (C, v, eps, out, r0, r1, guess) => {
      if (C.kind === 'dense' && typeof addon.otLseRowsDense === 'function') return mapped(() => addon.otLseRowsDense(C.rows, C.cols, C.data, v, eps, out, r0, r1, guess ?? null));
      if (C.kind === 'csr' && typeof lseRowsCsr === 'function') return mapped(() => lseRowsCsr.call(addon, C, v, eps, out, r0, r1, guess ?? null));
      return js.otLseRows(C, v, eps, out, r0, r1, guess);
    },
    otLseCols: (C, u, eps, colMax, colSum, r0, r1) => {
      if (C.kind === 'dense' && typeof addon.otLseColsDense === 'function') return mapped(() => addon.otLseColsDense(C.rows, C.cols, C.data, u, eps, colMax, colSum, r0, r1));
      if (C.kind === 'csr' && typeof lseColsCsr === 'function') return mapped(() => lseColsCsr.call(addon, C, u, eps, colMax, colSum, r0, r1));
      return js.otLseCols(C, u, eps, colMax, colSum, r0, r1);
    },
    otLseColsShifted: (C, u, eps, shift, colSum, r0, r1) => {
      if (C.kind === 'dense' && typeof colsShifted === 'function') return mapped(() => colsShifted.call(addon, C.rows, C.cols, C.data, u, eps, shift, colSum, r0, r1));
      if (C.kind === 'csr' && typeof colsShiftedCsr === 'function') return mapped(() => colsShiftedCsr.call(addon, C, u, eps, shift, colSum, r0, r1));
      return js.otLseColsShifted(C, u, eps, shift, colSum, r0, r1);
    },
    otPlanPass: (C, f, g, eps, P, rowSums, colSums, stats, r0, r1, floor = 0) => {
      if (C.kind === 'dense' && typeof planPass === 'function') return mapped(() => planPass.call(addon, C.rows, C.cols, C.data, f, g, eps, P, rowSums, colSums, stats, r0, r1, floor));
      if (C.kind === 'csr' && typeof planPassCsr === 'function') return mapped(() => planPassCsr.call(addon, C, f, g, eps, P, rowSums, colSums, stats, r0, r1, floor));
      return js.otPlanPass(C, f, g, eps, P, rowSums, colSums, stats, r0, r1, floor);
    },
    otExpm1Dot: (C, P, df, dg, scale, acc, r0, r1, tiny = 0) => {
      if (C.kind === 'dense' && typeof expm1Dot === 'function') return mapped(() => expm1Dot.call(addon, C.rows, C.cols, P, df, dg, scale, acc, r0, r1, tiny));
      if (C.kind === 'csr' && typeof expm1DotCsr === 'function') return mapped(() => expm1DotCsr.call(addon, C, P, df, dg, scale, acc, r0, r1, tiny));
      return js.otExpm1Dot(C, P, df, dg, scale, acc, r0, r1, tiny);
    },
    otKernelMatvec: (K, x, y, transpose, r0, r1) =>
      K.kind !== 'dense' || !(K.data instanceof Float64Array) || typeof matvec !== 'function'
        ? js.otKernelMatvec(K, x, y, transpose, r0, r1)
        : mapped(() => matvec.call(addon, K.rows, K.cols, K.data as Float64Array, x, y, transpose, r0, r1)),
    otScalingSweep: (K, v, a, uOld, uNew, colAcc, r0, r1) => {
      if (K.kind === 'dense' && K.data instanceof Float64Array && typeof sweep === 'function') return mapped(() => sweep.call(addon, K.rows, K.cols, K.data as Float64Array, v, a, uOld, uNew, colAcc, r0, r1));
      if (K.kind === 'csr' && K.values instanceof Float64Array && typeof sweepCsr === 'function') return mapped(() => sweepCsr.call(addon, K, v, a, uOld, uNew, colAcc, r0, r1));
      return js.otScalingSweep(K, v, a, uOld, uNew, colAcc, r0, r1);
    },
  };
}

/** Every call goes through mapNativeError, so users only ever see SparseError subclasses or TypeErrors. */
function wrap(addon: Addon): Backend {
  const call =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        throw mapNativeError(err);
      }
    };
  return {
    name: 'native',
    spmv: call(addon.spmv),
    spmm: call(addon.spmm),
    spgemm: call(addon.spgemm),
    transpose: call(addon.transpose),
    cooToCsr: call(addon.cooToCsr),
    add: call(addon.add),
    scale: call(addon.scale),
    scaleRows: call(addon.scaleRows),
    scaleCols: call(addon.scaleCols),
    rowSums: call(addon.rowSums),
    colSums: call(addon.colSums),
    diagonal: call(addon.diagonal),
    normFrobenius: call(addon.normFrobenius),
    toDense: call(addon.toDense),
    fromDense: call(addon.fromDense),
    allFinite: call(addon.allFinite),
    zeros: call(addon.zeros),
    ...wrapAsync(addon),
    ...wrapOt(addon),
    csrToBsr: call(addon.csrToBsr),
    bsrToCsr: call(addon.bsrToCsr),
    bsrSpmv: call(addon.bsrSpmv),
    bsrSpmm: call(addon.bsrSpmm),
  };
}

let cached: NativeLoad | null = null;

/** Loads the addon once (build/Release, then prebuilds/, via node-gyp-build). Never throws. */
export function loadNativeBackend(): NativeLoad {
  if (cached) return cached;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => Addon;
    const addon = load(findPackageRoot());
    cached = { backend: wrap(addon), info: addon.info(), control: addon, error: null };
  } catch (err) {
    cached = { backend: null, info: null, control: null, error: err instanceof Error ? err : new Error(String(err)) };
  }
  return cached;
}
