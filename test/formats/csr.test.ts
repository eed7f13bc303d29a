import { describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix, FormatError, ShapeError } from '../../src/index.js';

const A = () =>
  CsrMatrix.fromArrays({
    rows: 3,
    cols: 4,
    rowPtr: Int32Array.from([0, 2, 2, 5]),
    colIdx: Int32Array.from([0, 3, 0, 1, 2]),
    values: Float64Array.from([1, 2, 3, 4, 5]),
  });

describe('CsrMatrix construction', () => {
  it('exposes shape, nnz, dtype and arrays', () => {
    const m = A();
    expect([m.rows, m.cols, m.nnz, m.dtype]).toEqual([3, 4, 5, 'f64']);
    expect(m.shape).toEqual([3, 4]);
    expect(m.toDense().toArray()).toEqual([
      [1, 0, 0, 2],
      [0, 0, 0, 0],
      [3, 4, 5, 0],
    ]);
  });

  it('copies by default and adopts with copy: false', () => {
    const rowPtr = Int32Array.from([0, 1]);
    const colIdx = Int32Array.from([0]);
    const values = Float64Array.from([7]);
    const copied = CsrMatrix.fromArrays({ rows: 1, cols: 1, rowPtr, colIdx, values });
    expect(copied.values).not.toBe(values);
    const adopted = CsrMatrix.fromArrays({ rows: 1, cols: 1, rowPtr, colIdx, values }, { copy: false });
    expect(adopted.values).toBe(values);
  });

  it('puts unsorted rows with duplicates in canonical form', () => {
    const m = CsrMatrix.fromArrays({ rows: 1, cols: 3, rowPtr: Int32Array.from([0, 3]), colIdx: Int32Array.from([2, 0, 2]), values: Float64Array.from([1, 5, 2]) });
    expect(Array.from(m.colIdx)).toEqual([0, 2]);
    expect(Array.from(m.values)).toEqual([5, 3]);
  });

  it.each([
    ['rowPtr[0] != 0', { rowPtr: [1, 1], colIdx: [], values: [] }, FormatError],
    ['rowPtr decreasing', { rowPtr: [0, 2, 1, 2], colIdx: [0, 1], values: [1, 2], rows: 3 }, FormatError],
    ['column out of range', { rowPtr: [0, 1], colIdx: [5], values: [1] }, FormatError],
    ['negative column', { rowPtr: [0, 1], colIdx: [-1], values: [1] }, FormatError],
    ['values too short', { rowPtr: [0, 2], colIdx: [0, 1], values: [1] }, FormatError],
    ['colIdx too long', { rowPtr: [0, 1], colIdx: [0, 1], values: [1] }, FormatError],
    ['rowPtr wrong length', { rowPtr: [0, 1, 1], colIdx: [0], values: [1] }, ShapeError],
  ])('refuses %s', (_, spec, cls) => {
    const s = spec as { rowPtr: number[]; colIdx: number[]; values: number[]; rows?: number };
    expect(() =>
      CsrMatrix.fromArrays({ rows: s.rows ?? 1, cols: 2, rowPtr: Int32Array.from(s.rowPtr), colIdx: Int32Array.from(s.colIdx), values: Float64Array.from(s.values) }),
    ).toThrow(cls);
  });

  it('refuses wrong types with TypeError', () => {
    expect(() => CsrMatrix.fromArrays({ rows: 1, cols: 1, rowPtr: [0, 0] as unknown as Int32Array, colIdx: new Int32Array(0), values: new Float64Array(0) })).toThrow(TypeError);
    expect(() => CsrMatrix.fromArrays({ rows: 1, cols: 1, rowPtr: new Int32Array(2), colIdx: new Int32Array(0), values: [] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => CsrMatrix.fromArrays(null as unknown as never)).toThrow(TypeError);
    expect(() => new CsrMatrix('2' as unknown as number, 1, new Int32Array(3), new Int32Array(0), new Float64Array(0))).toThrow(TypeError);
  });

  it('refuses sizes beyond int32 and non-integers', () => {
    expect(() => new CsrMatrix(2 ** 31, 1, new Int32Array(1), new Int32Array(0), new Float64Array(0))).toThrow(/exceeds 2147483647/);
    expect(() => new CsrMatrix(1.5, 1, new Int32Array(1), new Int32Array(0), new Float64Array(0))).toThrow(ShapeError);
    expect(() => new CsrMatrix(-1, 1, new Int32Array(1), new Int32Array(0), new Float64Array(0))).toThrow(ShapeError);
    expect(() => new CsrMatrix(NaN, 1, new Int32Array(1), new Int32Array(0), new Float64Array(0))).toThrow(ShapeError);
  });

  it('identity, diag, fromDense', () => {
    expect(CsrMatrix.identity(3).toDense().toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const d = CsrMatrix.diag([1, 0, 3], { dtype: 'f32' });
    expect(d.dtype).toBe('f32');
    expect(d.nnz).toBe(3);
    const dense = DenseMatrix.fromArray([
      [0, 1, NaN],
      [0, 0, 0],
    ]);
    const s = CsrMatrix.fromDense(dense);
    expect(s.nnz).toBe(2);
    expect(s.get(0, 1)).toBe(1);
    expect(s.get(0, 2)).toBeNaN();
    expect(CsrMatrix.identity(0).nnz).toBe(0);
  });

  it('random is reproducible and near its density', () => {
    const a = CsrMatrix.random(200, 300, 0.05, { seed: 7 });
    const b = CsrMatrix.random(200, 300, 0.05, { seed: 7 });
    const c = CsrMatrix.random(200, 300, 0.05, { seed: 8 });
    expect(a.values).toEqual(b.values);
    expect(a.colIdx).toEqual(b.colIdx);
    expect(a.colIdx).not.toEqual(c.colIdx);
    expect(Math.abs(a.nnz / (200 * 300) - 0.05)).toBeLessThan(0.01);
    expect(CsrMatrix.random(5, 5, 1).nnz).toBe(25);
    expect(CsrMatrix.random(5, 5, 0).nnz).toBe(0);
    expect(CsrMatrix.random(0, 5, 0.5).nnz).toBe(0);
    expect(() => CsrMatrix.random(5, 5, 1.5)).toThrow(FormatError);
    expect(() => CsrMatrix.random(5, 5, NaN)).toThrow(FormatError);
    expect(CsrMatrix.random(10, 10, 0.3, { dtype: 'f32' }).dtype).toBe('f32');
  });
});

describe('CsrMatrix access', () => {
  it('get, row, slice, selectRows, astype, clone', () => {
    const m = A();
    expect(m.get(2, 1)).toBe(4);
    expect(m.get(1, 1)).toBe(0);
    expect(() => m.get(3, 0)).toThrow(ShapeError);
    expect(() => m.get(0, -1)).toThrow(ShapeError);
    expect(m.row(2)).toEqual({ indices: Int32Array.from([0, 1, 2]), values: Float64Array.from([3, 4, 5]) });
    expect(() => m.row(5)).toThrow(ShapeError);
    const s = m.slice(1, 3);
    expect(s.toDense().toArray()).toEqual([
      [0, 0, 0, 0],
      [3, 4, 5, 0],
    ]);
    expect(m.slice(0, 0).rows).toBe(0);
    expect(() => m.slice(2, 1)).toThrow(ShapeError);
    expect(() => m.slice(0, 4)).toThrow(ShapeError);
    const r = m.selectRows([2, 0, 2]);
    expect(r.rows).toBe(3);
    expect(r.toDense().toArray()[1]).toEqual([1, 0, 0, 2]);
    expect(() => m.selectRows([3])).toThrow(ShapeError);
    expect(() => m.selectRows([0.5])).toThrow(ShapeError);
    const f = m.astype('f32');
    expect(f.dtype).toBe('f32');
    expect(f.values).toBeInstanceOf(Float32Array);
    expect(() => m.astype('f16' as never)).toThrow(TypeError);
    const c = m.clone();
    c.values[0] = 99;
    expect(m.values[0]).toBe(1);
  });

  it('CSC view agrees with CSR', () => {
    const m = A();
    const c = m.toCsc();
    expect(Array.from(c.colPtr)).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(c.rowIdx)).toEqual([0, 2, 2, 2, 0]);
    expect(c.get(2, 2)).toBe(5);
    expect(c.toDense().toArray()).toEqual(m.toDense().toArray());
    expect(Array.from(c.matvec([1, 1, 1, 1]))).toEqual(Array.from(m.matvec([1, 1, 1, 1])));
    expect(Array.from(c.matvec([1, 2, 3], { transpose: true }))).toEqual(Array.from(m.matvec([1, 2, 3], { transpose: true })));
    expect(c.transpose().toDense().toArray()).toEqual(m.transpose().toDense().toArray());
  });
});
