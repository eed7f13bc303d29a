import { FormatError } from '../../errors.js';
import type { OtCost } from '../types.js';
import { badRowPtr, checkRowPtrEnds } from './check.js';

// Optimal-transport kernels: the hot loops of src/ot. Plain typed-array loops that V8 compiles
// well: no closures, no allocation, one exp per entry.

type CsrCost = Extract<OtCost, { kind: 'csr' }>;

/**
 * The checks of the native CSR passes (native/kernels/ot_csr.hpp), in their order: the row
 * pointer's ends, every row bound of rows [r0, r1), then the columns row by row. The problem was
 * validated once, but its arrays may be written since (from onIteration, say), and a row start of
 * -2^31 would send a pass through billions of steps.
 */
function checkCsrPass(C: CsrCost, r0: number, r1: number): void {
  checkRowPtrEnds(C);
  const { rowPtr, colIdx, cols } = C;
  const nnz = rowPtr[C.rows];
  for (let i = r0; i < r1; i++) {
    const start = rowPtr[i];
    const end = rowPtr[i + 1];
    if (start < 0 || end < start || end > nnz) throw badRowPtr(i);
  }
  for (let i = r0; i < r1; i++) {
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) {
      if (colIdx[k] >>> 0 >= cols) throw new FormatError(`column index out of range [0, ${cols}) in row ${i}`);
    }
  }
}

/**
 * The window in which a guess-shifted exp-sum is trusted (native/kernels/ot_lse.hpp, kOtSumLow /
 * kOtSumHigh): nothing overflowed, flushed terms are negligible, log(sum) adds little rounding.
 */
export function otSumTrusted(s: number): boolean {
  return s >= 1e-100 && s <= 1e100;
}

/**
 * out[i] = eps * LSE_j((v_j - C_ij)/eps). With a finite guess[i]: one pass with the guess as the
 * shift, kept when the sum is trusted; otherwise a max pass then an exp-sum pass (row in cache).
 */
export function otLseRows(C: OtCost, v: Float64Array, eps: number, out: Float64Array, r0: number, r1: number, guess?: Float64Array | null): void {
  const inv = 1 / eps;
  if (C.kind === 'dense') {
    const m = C.cols;
    const d = C.data;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      if (guess && m > 0 && Number.isFinite(guess[i])) {
        const shift = guess[i] * inv;
        let s = 0;
        for (let j = 0; j < m; j++) s += Math.exp((v[j] - d[base + j]) * inv - shift);
        if (otSumTrusted(s)) {
          out[i] = guess[i] + eps * Math.log(s);
          continue;
        }
      }
      let mx = -Infinity;
      for (let j = 0; j < m; j++) {
        const x = v[j] - d[base + j];
        if (x > mx) mx = x;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp((v[j] - d[base + j] - mx) * inv);
      out[i] = mx + eps * Math.log(s);
    }
  } else {
    checkCsrPass(C, r0, r1);
    const { rowPtr, colIdx, values } = C;
    for (let i = r0; i < r1; i++) {
      const start = rowPtr[i];
      const end = rowPtr[i + 1];
      if (guess && end > start && Number.isFinite(guess[i])) {
        const shift = guess[i] * inv;
        let s = 0;
        for (let k = start; k < end; k++) s += Math.exp((v[colIdx[k]] - values[k]) * inv - shift);
        if (otSumTrusted(s)) {
          out[i] = guess[i] + eps * Math.log(s);
          continue;
        }
      }
      let mx = -Infinity;
      for (let k = start; k < end; k++) {
        const x = v[colIdx[k]] - values[k];
        if (x > mx) mx = x;
      }
      let s = 0;
      for (let k = start; k < end; k++) s += Math.exp((v[colIdx[k]] - values[k] - mx) * inv);
      out[i] = end > start ? mx + eps * Math.log(s) : -Infinity;
    }
  }
}

/** colSum[j] += sum_i exp((u_i - C_ij)/eps - shift[j]) over rows [r0, r1), one pass in storage order. */
export function otLseColsShifted(C: OtCost, u: Float64Array, eps: number, shift: Float64Array, colSum: Float64Array, r0: number, r1: number): void {
  const inv = 1 / eps;
  if (C.kind === 'dense') {
    const m = C.cols;
    const d = C.data;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      const ui = u[i];
      for (let j = 0; j < m; j++) colSum[j] += Math.exp((ui - d[base + j]) * inv - shift[j]);
    }
  } else {
    checkCsrPass(C, r0, r1);
    const { rowPtr, colIdx, values } = C;
    for (let i = r0; i < r1; i++) {
      const ui = u[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) {
        const j = colIdx[k];
        colSum[j] += Math.exp((ui - values[k]) * inv - shift[j]);
      }
    }
  }
}

/** Online (running max) column LSE over rows [r0, r1), in units of eps. */
export function otLseCols(C: OtCost, u: Float64Array, eps: number, colMax: Float64Array, colSum: Float64Array, r0: number, r1: number): void {
  const inv = 1 / eps;
  if (C.kind === 'dense') {
    const m = C.cols;
    const d = C.data;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      const ui = u[i];
      for (let j = 0; j < m; j++) {
        const x = (ui - d[base + j]) * inv;
        const mx = colMax[j];
        if (x <= mx) colSum[j] += Math.exp(x - mx);
        else {
          colSum[j] = colSum[j] * Math.exp(mx - x) + 1;
          colMax[j] = x;
        }
      }
    }
  } else {
    checkCsrPass(C, r0, r1);
    const { rowPtr, colIdx, values } = C;
    for (let i = r0; i < r1; i++) {
      const ui = u[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) {
        const j = colIdx[k];
        const x = (ui - values[k]) * inv;
        const mx = colMax[j];
        if (x <= mx) colSum[j] += Math.exp(x - mx);
        else {
          colSum[j] = colSum[j] * Math.exp(mx - x) + 1;
          colMax[j] = x;
        }
      }
    }
  }
}

export function otPlanPass(
  C: OtCost,
  f: Float64Array,
  g: Float64Array,
  eps: number,
  P: Float64Array | null,
  rowSums: Float64Array,
  colSums: Float64Array,
  stats: Float64Array | null,
  r0: number,
  r1: number,
  floor = 0,
): void {
  const inv = 1 / eps;
  let cost = stats === null ? 0 : stats[0];
  let ent = stats === null ? 0 : stats[1];
  if (C.kind === 'dense') {
    const m = C.cols;
    const d = C.data;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      const fi = f[i];
      let rs = 0;
      for (let j = 0; j < m; j++) {
        const c = d[base + j];
        const t = (fi + g[j] - c) * inv;
        const e = Math.exp(t);
        const p = e < floor ? 0 : e;
        rs += p;
        colSums[j] += p;
        cost += p * c;
        if (p > 0) ent += p * t;
        if (P !== null) P[base + j] = p;
      }
      rowSums[i] = rs;
    }
  } else {
    checkCsrPass(C, r0, r1);
    const { rowPtr, colIdx, values } = C;
    for (let i = r0; i < r1; i++) {
      const fi = f[i];
      const end = rowPtr[i + 1];
      let rs = 0;
      for (let k = rowPtr[i]; k < end; k++) {
        const j = colIdx[k];
        const c = values[k];
        const t = (fi + g[j] - c) * inv;
        const e = Math.exp(t);
        const p = e < floor ? 0 : e;
        rs += p;
        colSums[j] += p;
        cost += p * c;
        if (p > 0) ent += p * t;
        if (P !== null) P[k] = p;
      }
      rowSums[i] = rs;
    }
  }
  if (stats !== null) {
    stats[0] = cost;
    stats[1] = ent;
  }
}

const EM1_CUT = 0.34657359027997264; // ln2 / 2

/**
 * expm1(t) - t without cancellation: for |t| <= ln2/2 the Taylor polynomial t^2 (1/2! + ... + t^12/14!)
 * (truncation < 2e-18 relative; the native kernels evaluate the same one), else Math.expm1(t) - t.
 */
export function otEm1MinusT(t: number): number {
  if (!(Math.abs(t) <= EM1_CUT)) return Math.expm1(t) - t;
  let p = 1 / 87178291200;
  p = p * t + 1 / 6227020800;
  p = p * t + 1 / 479001600;
  p = p * t + 1 / 39916800;
  p = p * t + 1 / 3628800;
  p = p * t + 1 / 362880;
  p = p * t + 1 / 40320;
  p = p * t + 1 / 5040;
  p = p * t + 1 / 720;
  p = p * t + 1 / 120;
  p = p * t + 1 / 24;
  p = p * t + 1 / 6;
  p = p * t + 0.5;
  return p * (t * t);
}

/** Whether an entry counts in otExpm1Dot (the native otExpm1Counts): nonzero, and not both below tiny and t < 256. */
const TINY_T = 256;

export function otExpm1Dot(C: OtCost, P: Float64Array, df: Float64Array, dg: Float64Array, scale: number, acc: number, r0: number, r1: number, tiny = 0): number {
  let s = acc;
  if (C.kind === 'dense') {
    const m = C.cols;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      const di = df[i];
      for (let j = 0; j < m; j++) {
        const p = P[base + j];
        if (p === 0) continue;
        const t = scale * (di + dg[j]);
        if (p < tiny && t < TINY_T) continue;
        s += p * otEm1MinusT(t);
      }
    }
  } else {
    checkCsrPass(C, r0, r1);
    const { rowPtr, colIdx } = C;
    for (let i = r0; i < r1; i++) {
      const di = df[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) {
        const p = P[k];
        if (p === 0) continue;
        const t = scale * (di + dg[colIdx[k]]);
        if (p < tiny && t < TINY_T) continue;
        s += p * otEm1MinusT(t);
      }
    }
  }
  return s;
}

export function otKernelMatvec(K: OtCost, x: Float64Array, y: Float64Array, transpose: boolean, r0: number, r1: number): void {
  if (K.kind === 'dense') {
    const m = K.cols;
    const d = K.data;
    if (transpose) {
      for (let i = r0; i < r1; i++) {
        const base = i * m;
        const xi = x[i];
        for (let j = 0; j < m; j++) y[j] += d[base + j] * xi;
      }
    } else {
      for (let i = r0; i < r1; i++) {
        const base = i * m;
        let s = 0;
        for (let j = 0; j < m; j++) s += d[base + j] * x[j];
        y[i] = s;
      }
    }
  } else {
    checkCsrPass(K, r0, r1);
    const { rowPtr, colIdx, values } = K;
    if (transpose) {
      for (let i = r0; i < r1; i++) {
        const xi = x[i];
        const end = rowPtr[i + 1];
        for (let k = rowPtr[i]; k < end; k++) y[colIdx[k]] += values[k] * xi;
      }
    } else {
      for (let i = r0; i < r1; i++) {
        const end = rowPtr[i + 1];
        let s = 0;
        for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
        y[i] = s;
      }
    }
  }
}

export function otScalingSweep(K: OtCost, v: Float64Array, a: Float64Array, uOld: Float64Array, uNew: Float64Array, colAcc: Float64Array, r0: number, r1: number): number {
  let err = 0;
  if (K.kind === 'dense') {
    const m = K.cols;
    const d = K.data;
    for (let i = r0; i < r1; i++) {
      const base = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += d[base + j] * v[j];
      err += Math.abs(uOld[i] * s - a[i]);
      const ui = a[i] / s;
      uNew[i] = ui;
      for (let j = 0; j < m; j++) colAcc[j] += d[base + j] * ui;
    }
  } else {
    checkCsrPass(K, r0, r1);
    const { rowPtr, colIdx, values } = K;
    for (let i = r0; i < r1; i++) {
      const start = rowPtr[i];
      const end = rowPtr[i + 1];
      let s = 0;
      for (let k = start; k < end; k++) s += values[k] * v[colIdx[k]];
      err += Math.abs(uOld[i] * s - a[i]);
      const ui = a[i] / s;
      uNew[i] = ui;
      for (let k = start; k < end; k++) colAcc[colIdx[k]] += values[k] * ui;
    }
  }
  return err;
}
