import { backendFor } from '../backend/select.js';
import type { OtCost } from '../backend/types.js';
import { FormatError, ShapeError } from '../errors.js';
import { CsrMatrix } from '../formats/csr.js';
import { DenseMatrix } from '../formats/dense.js';
import type { Values } from '../types.js';
import { kernelEntries, STORED_KERNEL_MAX_ENTRIES } from './stabilized.js';

export type SinkhornMethod = 'sinkhorn' | 'log' | 'sns';

/** What `onIteration` receives after each iteration (and once for the starting point, iteration 0). */
export interface SinkhornIterationInfo {
  /** Iterations done so far (Sinkhorn and Newton together). */
  iteration: number;
  /** ||P1 - a||_1 + ||P^T 1 - b||_1 at the current potentials. */
  marginalError: number;
  phase: 'sinkhorn' | 'newton';
  /** The epsilon the iteration ran at: the problem's, or a larger one during SNS's epsilon scaling. */
  epsilon: number;
}

/** Settings of the Sinkhorn-Newton-Sparse method (method 'sns'); the defaults are the measured ones. */
export interface SnsOptions {
  /**
   * The fewest log-domain Sinkhorn iterations before the Newton stage (default 8; fewer when
   * converged). The paper uses a fixed 20.
   */
  warmupIterations?: number;
  /**
   * After warmupIterations, stage 1 goes on until the marginal error is at most this (default
   * 0.1), for at most maxWarmupIterations in all; the stages of epsilonScaling end at it too. Far
   * from the optimum Newton steps (each costing about 20 Sinkhorn iterations here) wander: on the
   * 2D densities of bench/ot.mjs at epsilon 1e-3 of max cost, 8 Sinkhorn steps (error ~1.3) left
   * 22-32 Newton steps, the switch at 0.1 (~100 Sinkhorn steps) 7-9, and half the wall time at
   * n = 500..2000; L1 point clouds gained 0.9-1.3x, squared-Euclidean and random costs, already
   * below 0.1 after 8 steps, are unchanged. Set maxWarmupIterations = warmupIterations for the
   * fixed count (fewer total iterations, more time). (Measured before epsilonScaling, which now
   * takes most of that distance.)
   */
  switchError?: number;
  /** The most Sinkhorn iterations of stage 1 (default 300; at least warmupIterations). */
  maxWarmupIterations?: number;
  /**
   * Epsilon scaling ahead of stage 1 (default 10; 1 turns it off; ignored on a warm start): Sinkhorn
   * runs first at epsilon * epsilonScaling, then at each multiple smaller by sqrt(10) while above 1
   * (10: 10x and 3.16x), each stage until its marginal error (at its own epsilon) is at most
   * switchError, at most maxWarmupIterations for all of them; then stage 1 at epsilon. At small
   * epsilon the cold Sinkhorn steps move the potentials by about epsilon each: on bench/ot.mjs at
   * epsilon 1e-3 of max cost (n = 500..2000) the 2D densities needed 90-124 iterations in all
   * without it and 29-31 with it (1.3-1.9x less time), L1 point clouds 98-145 and 48-61;
   * squared-Euclidean and random costs are already close after one coarse step (one more
   * iteration and one more exp pass). These iterations count in `iterations` and `history`.
   */
  epsilonScaling?: number;
  /** At most this many Newton steps (default 300). */
  maxNewton?: number;
  /**
   * The sparsified Hessian drops the smallest entries of P holding at most this share of its mass
   * (default 1e-3; each step uses min(massDrop, 0.01 * current marginal error), 100 times less after
   * a full step that cut the error less than 10 times, see src/ot/sns.ts).
   */
  massDrop?: number;
  /** Relative residual at which the preconditioned CG stops (default 1e-3). */
  cgRtol?: number;
}

export interface SinkhornOptions {
  /** Regularization, absolute. Give this or `epsilonRelative`. */
  epsilon?: number;
  /** Regularization relative to max |C| over the stored entries. */
  epsilonRelative?: number;
  /** 'log' (default): log-domain, stable at any epsilon. 'sinkhorn': scaling form. 'sns': Sinkhorn-Newton-Sparse. */
  method?: SinkhornMethod;
  /** Stop when ||P1 - a||_1 + ||P^T 1 - b||_1 <= tol (default 1e-9). */
  tol?: number;
  /** At most this many iterations, Sinkhorn and Newton together (default 10000). */
  maxIter?: number;
  /** Warm start: row potentials (length n). */
  f0?: ArrayLike<number>;
  /** Warm start: column potentials (length m). */
  g0?: ArrayLike<number>;
  /**
   * Method 'log' only: run the log-domain iteration as scaling steps on a stored kernel
   * K = exp((f + g - C)/epsilon) re-anchored on the potentials whenever a scaling leaves
   * [e^-50, e^50], with log-domain steps wherever K degenerates (src/ot/stabilized.ts). Same
   * iteration and the same safety at any epsilon, several times faster per iteration (no exp), at
   * the price of n*m float64 of memory. Default: true when C has at most 2^27 entries (1 GiB of
   * kernel), false above.
   */
  stabilized?: boolean;
  onIteration?: (info: SinkhornIterationInfo) => void;
  signal?: AbortSignal;
  sns?: SnsOptions;
}

/** A validated problem, reduced to the rows and columns with positive mass. */
export interface Problem {
  /** Original sizes. */
  n0: number;
  m0: number;
  /** Original cost (for plan()). */
  cost0: OtCost;
  /** Reduced sizes and data. */
  n: number;
  m: number;
  cost: OtCost;
  a: Float64Array;
  b: Float64Array;
  /** Kept original indices (null when nothing was removed). */
  rowMap: Int32Array | null;
  colMap: Int32Array | null;
  eps: number;
  method: SinkhornMethod;
  tol: number;
  maxIter: number;
  /** Method 'log' on a stored, re-anchored kernel (SinkhornOptions.stabilized, resolved). */
  stabilized: boolean;
  f0: Float64Array | null;
  g0: Float64Array | null;
  onIteration?: (info: SinkhornIterationInfo) => void;
  signal?: AbortSignal;
  warmup: number;
  switchError: number;
  maxWarmup: number;
  epsilonScaling: number;
  maxNewton: number;
  massDrop: number;
  cgRtol: number;
}

function positiveInt(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < 0) throw new FormatError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

function positiveNumber(v: unknown, name: string, fallback: number, allowZero = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new FormatError(`${name} must be a finite ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`);
  return v;
}

function toFloat64(value: unknown, name: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (value instanceof Float32Array || Array.isArray(value) || ArrayBuffer.isView(value)) {
    const arr = value as ArrayLike<unknown>;
    const out = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const e = arr[i];
      if (typeof e !== 'number') throw new TypeError(`${name}[${i}] must be a number, got ${typeof e}`);
      out[i] = e;
    }
    return out;
  }
  throw new TypeError(`${name} must be a Float64Array, Float32Array or array of numbers`);
}

function histogram(value: unknown, name: string, length: number): Float64Array {
  const v = toFloat64(value, name);
  if (v.length !== length) throw new ShapeError(`${name} has length ${v.length}, expected ${length} to match C`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x) || x < 0) throw new FormatError(`${name}[${i}] = ${x}: marginals must be finite and non-negative`);
  }
  return v;
}

/** The cost as kernels see it, checked: finite values, a CSR structure that indexes safely. */
export function toCost(C: unknown): OtCost {
  if (C instanceof DenseMatrix || (C !== null && typeof C === 'object' && 'data' in C && !('rowPtr' in C))) {
    const D = C as DenseMatrix;
    if (!(D.data instanceof Float64Array || D.data instanceof Float32Array) || D.data.length !== D.rows * D.cols) {
      throw new TypeError('C must be a DenseMatrix or a CsrMatrix');
    }
    const d = D.data;
    if (!backendFor(d.length).allFinite(d)) {
      for (let k = 0; k < d.length; k++) {
        if (!Number.isFinite(d[k])) throw new FormatError(`C[${Math.floor(k / D.cols)}, ${k % D.cols}] = ${d[k]}: costs must be finite`);
      }
    }
    return { kind: 'dense', rows: D.rows, cols: D.cols, data: d };
  }
  if (C instanceof CsrMatrix || (C !== null && typeof C === 'object' && (C as CsrMatrix).rowPtr instanceof Int32Array)) {
    const A = C as CsrMatrix;
    const { rows, cols, rowPtr, colIdx, values } = A;
    if (!(colIdx instanceof Int32Array) || !(values instanceof Float64Array || values instanceof Float32Array) || rowPtr.length !== rows + 1) {
      throw new TypeError('C must be a DenseMatrix or a CsrMatrix');
    }
    // Checked here once (the kernels trust it): a matrix built with { validate: false } may lie.
    if (rowPtr[0] !== 0 || rowPtr[rows] > colIdx.length || rowPtr[rows] > values.length) throw new FormatError('C: broken row pointer');
    for (let i = 0; i < rows; i++) {
      const s = rowPtr[i];
      const e = rowPtr[i + 1];
      if (e < s) throw new FormatError(`C: row pointer decreases at row ${i}`);
      for (let k = s; k < e; k++) {
        const j = colIdx[k];
        if (j < 0 || j >= cols || (k > s && j <= colIdx[k - 1])) throw new FormatError(`C: column index ${j} at entry ${k} is out of range or not sorted`);
        if (!Number.isFinite(values[k])) throw new FormatError(`C[${i}, ${j}] = ${values[k]}: costs must be finite`);
      }
    }
    return { kind: 'csr', rows, cols, rowPtr, colIdx, values };
  }
  throw new TypeError('C must be a DenseMatrix or a CsrMatrix');
}

function costValues(C: OtCost): Values {
  return C.kind === 'dense' ? C.data : C.values.subarray(0, C.rowPtr[C.rows]);
}

/** The cost restricted to the kept rows and columns (maps of original indices). */
function reduceCost(C: OtCost, rowMap: Int32Array, colMap: Int32Array): OtCost {
  const n = rowMap.length;
  const m = colMap.length;
  const newCol = new Int32Array(C.cols).fill(-1);
  for (let j = 0; j < m; j++) newCol[colMap[j]] = j;
  if (C.kind === 'dense') {
    const data = new Float64Array(n * m);
    const src = C.data;
    for (let i = 0; i < n; i++) {
      const base = rowMap[i] * C.cols;
      for (let j = 0; j < m; j++) data[i * m + j] = src[base + colMap[j]];
    }
    return { kind: 'dense', rows: n, cols: m, data: C.data instanceof Float32Array ? Float32Array.from(data) : data };
  }
  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const r = rowMap[i];
    for (let k = C.rowPtr[r]; k < C.rowPtr[r + 1]; k++) if (newCol[C.colIdx[k]] >= 0) nnz++;
    rowPtr[i + 1] = nnz;
  }
  const colIdx = new Int32Array(nnz);
  const values = C.values instanceof Float32Array ? new Float32Array(nnz) : new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const r = rowMap[i];
    for (let k = C.rowPtr[r]; k < C.rowPtr[r + 1]; k++) {
      const j = newCol[C.colIdx[k]];
      if (j >= 0) {
        colIdx[p] = j;
        values[p++] = C.values[k];
      }
    }
  }
  return { kind: 'csr', rows: n, cols: m, rowPtr, colIdx, values };
}

function support(w: Float64Array): Int32Array | null {
  let count = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) count++;
  if (count === w.length) return null;
  const map = new Int32Array(count);
  let p = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) map[p++] = i;
  return map;
}

function gather(v: Float64Array, map: Int32Array | null): Float64Array {
  if (map === null) return v.slice();
  const out = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = v[map[i]];
  return out;
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** Validates everything and builds the reduced problem. Throws TypeError / ShapeError / FormatError. */
export function prepare(aIn: unknown, bIn: unknown, C: unknown, options: SinkhornOptions = {}): Problem {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const cost0 = toCost(C);
  const n0 = cost0.rows;
  const m0 = cost0.cols;
  const a0 = histogram(aIn, 'a', n0);
  const b0 = histogram(bIn, 'b', m0);
  const sa = sum(a0);
  const sb = sum(b0);
  if (Math.abs(sa - sb) > 1e-9 * Math.max(sa, sb)) {
    throw new FormatError(`a and b must have equal mass (sum a = ${sa}, sum b = ${sb}, relative difference above 1e-9)`);
  }

  const method = options.method ?? 'log';
  if (method !== 'log' && method !== 'sinkhorn' && method !== 'sns') throw new TypeError(`method must be 'sinkhorn', 'log' or 'sns', got ${String(method)}`);
  let eps: number;
  if (options.epsilon !== undefined && options.epsilonRelative !== undefined) throw new TypeError('give epsilon or epsilonRelative, not both');
  if (options.epsilon !== undefined) eps = positiveNumber(options.epsilon, 'epsilon', 0);
  else if (options.epsilonRelative !== undefined) {
    const rel = positiveNumber(options.epsilonRelative, 'epsilonRelative', 0);
    const vals = costValues(cost0);
    let mx = 0;
    for (let k = 0; k < vals.length; k++) mx = Math.max(mx, Math.abs(vals[k]));
    // An all-zero cost has no scale: epsilonRelative is then taken as absolute.
    eps = rel * (mx > 0 ? mx : 1);
  } else throw new TypeError('sinkhorn needs options.epsilon or options.epsilonRelative');

  const tol = positiveNumber(options.tol, 'tol', 1e-9, true);
  const maxIter = positiveInt(options.maxIter, 'maxIter', 10000);
  if (options.onIteration !== undefined && typeof options.onIteration !== 'function') throw new TypeError('onIteration must be a function');
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) throw new TypeError('signal must be an AbortSignal');
  const sns = options.sns ?? {};
  if (sns === null || typeof sns !== 'object') throw new TypeError('options.sns must be an object');
  const warmup = positiveInt(sns.warmupIterations, 'sns.warmupIterations', 8);
  const switchError = positiveNumber(sns.switchError, 'sns.switchError', 0.1, true);
  const maxWarmup = Math.max(warmup, positiveInt(sns.maxWarmupIterations, 'sns.maxWarmupIterations', 300));
  const epsilonScaling = positiveNumber(sns.epsilonScaling, 'sns.epsilonScaling', 10);
  if (epsilonScaling < 1) throw new FormatError(`sns.epsilonScaling must be at least 1, got ${epsilonScaling}`);
  const maxNewton = positiveInt(sns.maxNewton, 'sns.maxNewton', 300);
  const massDrop = positiveNumber(sns.massDrop, 'sns.massDrop', 1e-3, true);
  if (massDrop >= 1) throw new FormatError(`sns.massDrop must be below 1, got ${massDrop}`);
  const cgRtol = positiveNumber(sns.cgRtol, 'sns.cgRtol', 1e-3);

  let f0full: Float64Array | null = null;
  let g0full: Float64Array | null = null;
  if (options.f0 !== undefined) f0full = toFloat64(options.f0, 'f0');
  if (options.g0 !== undefined) g0full = toFloat64(options.g0, 'g0');
  if (f0full && f0full.length !== n0) throw new ShapeError(`f0 has length ${f0full.length}, expected ${n0}`);
  if (g0full && g0full.length !== m0) throw new ShapeError(`g0 has length ${g0full.length}, expected ${m0}`);

  // Zero masses: those rows/columns carry no transport (their potential is -Infinity); the solver
  // works on the rest. b is rescaled to a's mass so the reduced problem is exactly balanced.
  const rowMap = support(a0);
  const colMap = support(b0);
  const a = gather(a0, rowMap);
  const b = gather(b0, colMap);
  if (sb > 0) {
    const s = sa / sb;
    if (s !== 1) for (let j = 0; j < b.length; j++) b[j] *= s;
  }
  const cost = rowMap === null && colMap === null ? cost0 : reduceCost(cost0, rowMap ?? identity(n0), colMap ?? identity(m0));
  if (options.stabilized !== undefined && typeof options.stabilized !== 'boolean') throw new TypeError('stabilized must be a boolean');
  const stabilized = options.stabilized ?? kernelEntries(cost) <= STORED_KERNEL_MAX_ENTRIES;

  if (cost.kind === 'csr') {
    // A row or column with positive mass and no allowed entry makes the problem infeasible.
    const colCount = new Int32Array(cost.cols);
    for (let i = 0; i < cost.rows; i++) {
      if (cost.rowPtr[i + 1] === cost.rowPtr[i]) throw new FormatError(`row ${rowMap ? rowMap[i] : i} of C allows no transport but a has mass there`);
      for (let k = cost.rowPtr[i]; k < cost.rowPtr[i + 1]; k++) colCount[cost.colIdx[k]]++;
    }
    for (let j = 0; j < cost.cols; j++) if (colCount[j] === 0) throw new FormatError(`column ${colMap ? colMap[j] : j} of C allows no transport but b has mass there`);
  }

  const checkWarm = (v: Float64Array | null, name: string): Float64Array | null => {
    if (v === null) return null;
    for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i]) || v[i] === Infinity) throw new FormatError(`${name}[${i}] = ${v[i]}: potentials must be finite`);
    return v;
  };
  let f0 = checkWarm(f0full ? gather(f0full, rowMap) : null, 'f0');
  let g0 = checkWarm(g0full ? gather(g0full, colMap) : null, 'g0');
  // -Infinity is only meaningful where the mass is zero (removed above); elsewhere it is an error.
  if (f0) for (let i = 0; i < f0.length; i++) if (!Number.isFinite(f0[i])) throw new FormatError(`f0 is -Infinity where a > 0`);
  if (g0) for (let j = 0; j < g0.length; j++) if (!Number.isFinite(g0[j])) throw new FormatError(`g0 is -Infinity where b > 0`);
  if (f0 === null && g0 !== null) f0 = new Float64Array(a.length);
  if (g0 === null && f0 !== null) g0 = new Float64Array(b.length);

  return {
    n0,
    m0,
    cost0,
    n: a.length,
    m: b.length,
    cost,
    a,
    b,
    rowMap,
    colMap,
    eps,
    method,
    tol,
    maxIter,
    stabilized,
    f0,
    g0,
    onIteration: options.onIteration,
    signal,
    warmup,
    switchError,
    maxWarmup,
    epsilonScaling,
    maxNewton,
    massDrop,
    cgRtol,
  };
}
