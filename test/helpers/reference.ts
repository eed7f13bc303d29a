// Dense reference implementations: slow, obvious, and independent of both backends.
import type { CsrMatrix } from '../../src/index.js';

export function toDenseRef(A: CsrMatrix): number[][] {
  const out: number[][] = Array.from({ length: A.rows }, () => new Array<number>(A.cols).fill(0));
  for (let i = 0; i < A.rows; i++) {
    for (let k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) out[i][A.colIdx[k]] += A.values[k];
  }
  return out;
}

export function transposeRef(D: number[][], cols: number): number[][] {
  const out: number[][] = Array.from({ length: cols }, () => new Array<number>(D.length).fill(0));
  for (let i = 0; i < D.length; i++) for (let j = 0; j < cols; j++) out[j][i] = D[i][j];
  return out;
}

export function matvecRef(D: number[][], x: ArrayLike<number>): number[] {
  return D.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
}

export function matmulRef(A: number[][], B: number[][], inner: number, cols: number): number[][] {
  return A.map((row) => {
    const out = new Array<number>(cols).fill(0);
    for (let k = 0; k < inner; k++) for (let j = 0; j < cols; j++) out[j] += row[k] * B[k][j];
    return out;
  });
}

/** Sum of absolute terms of each result entry, the scale against which a tolerance is relative. */
export function matvecAbsRef(D: number[][], x: ArrayLike<number>): number[] {
  return D.map((row) => row.reduce((s, v, j) => s + Math.abs(v * x[j]), 0));
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number> | number, rel: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const s = typeof scale === 'number' ? scale : scale[i];
    const tol = rel * Math.max(s, 1e-300) + 1e-300;
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= tol)) throw new Error(`entry ${i}: ${a} vs ${e} (tolerance ${tol})`);
  }
}
