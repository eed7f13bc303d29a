import { describe, expect, it } from 'vitest';
import { perDtype } from '../../src/backend/js/per-dtype.js';
import { spmvCsr, spmvCsrTransposed } from '../../src/backend/js/spmv.js';
import { FormatError } from '../../src/index.js';

describe('JS kernels', () => {
  it('perDtype gives each dtype its own working copy, and the original where a copy fails', () => {
    const twice = (a: number): number => 2 * a;
    const copies = perDtype(twice, (f) => f(3) === 6);
    expect(copies.f64).not.toBe(twice);
    expect(copies.f32).not.toBe(copies.f64);
    expect(copies.f64(4)).toBe(8);
    const outside = 5;
    const usesOutside = (a: number): number => a + outside;
    expect(perDtype(usesOutside, (f) => f(1) === 6).f64).toBe(usesOutside);
  });

  it('SpMV carries NaN and infinity from the data and still refuses a bad column', () => {
    for (const V of [Float64Array, Float32Array]) {
      const A = { rows: 3, cols: 2, rowPtr: Int32Array.of(0, 2, 3, 4), colIdx: Int32Array.of(0, 1, 1, 0), values: V.of(1, 2, 3, Infinity) };
      const y = new V(3).fill(7);
      spmvCsr(A, V.of(NaN, 1), y, 1, 0);
      expect(Array.from(y)).toEqual([NaN, 3, NaN]);
      y.fill(7);
      spmvCsr(A, V.of(-1, 1), y, 2, 1);
      expect(Array.from(y)).toEqual([9, 13, -Infinity]);
      const bad = { ...A, colIdx: Int32Array.of(0, 1, 2, 0) };
      expect(() => spmvCsr(bad, V.of(1, 1), y, 1, 0)).toThrow(new FormatError('column index 2 at position 2 is out of range [0, 2)'));
      expect(() => spmvCsrTransposed(bad, V.of(1, 1, 1), new V(2), 1, 0)).toThrow(FormatError);
    }
  });

  it('SpMV sums each row in storage order over rows of every length', () => {
    const rows = 40;
    const rowPtr = new Int32Array(rows + 1);
    for (let i = 0; i < rows; i++) rowPtr[i + 1] = rowPtr[i] + i;
    const nnz = rowPtr[rows];
    const colIdx = Int32Array.from({ length: nnz }, (_, k) => (k * 7) % 13);
    const values = Float64Array.from({ length: nnz }, (_, k) => Math.sin(k) * 10 ** ((k % 9) - 4));
    const x = Float64Array.from({ length: 13 }, (_, j) => Math.cos(j) * 10 ** ((j % 5) - 2));
    const y = new Float64Array(rows);
    spmvCsr({ rows, cols: 13, rowPtr, colIdx, values }, x, y, 1, 0);
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) sum += values[k] * x[colIdx[k]];
      expect(y[i]).toBe(sum);
    }
  });
});
