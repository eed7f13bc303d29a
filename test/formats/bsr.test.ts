// BsrMatrix on whichever backend this project runs (vitest runs the file on native and on JS),
// against dense references: conversions, round trips, products, get/toDense/astype, bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BsrMatrix, CsrMatrix, DenseMatrix, FormatError, ShapeError, type Dtype } from '../../src/index.js';
import { buildCsr, FC_SEED, tolFor, type MatrixSpec } from '../helpers/arbitraries.js';
import { expectClose, matvecAbsRef, matvecRef, toDenseRef, transposeRef } from '../helpers/reference.js';

const runs = { seed: FC_SEED, numRuns: 150 };

/** A random CSR whose shape is a multiple of (r, c), with entries of every kind (zeros too). */
const blocked = fc
  .record({
    r: fc.integer({ min: 1, max: 8 }),
    c: fc.integer({ min: 1, max: 8 }),
    br: fc.integer({ min: 0, max: 5 }),
    bc: fc.integer({ min: 0, max: 5 }),
    dtype: fc.constantFrom<Dtype>('f64', 'f32'),
  })
  .chain(({ r, c, br, bc, dtype }) => {
    const rows = br * r;
    const cols = bc * c;
    const entries =
      rows === 0 || cols === 0
        ? fc.constant([] as [number, number, number][])
        : fc.array(
            fc.tuple(
              fc.integer({ min: 0, max: rows - 1 }),
              fc.integer({ min: 0, max: cols - 1 }),
              fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v)), fc.constantFrom(0, 1, -2)),
            ),
            { maxLength: Math.min(rows * cols, 60) },
          );
    return entries.map((e) => ({ r, c, spec: { rows, cols, entries: e, dtype } as MatrixSpec }));
  });

function withoutZeros(A: CsrMatrix): CsrMatrix {
  const rowPtr = new Int32Array(A.rows + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < A.rows; i++) {
    for (let k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
      if (A.values[k] !== 0) {
        cols.push(A.colIdx[k]);
        vals.push(A.values[k]);
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  return new CsrMatrix(A.rows, A.cols, rowPtr, Int32Array.from(cols), A.dtype === 'f32' ? Float32Array.from(vals) : Float64Array.from(vals));
}

function sin(n: number, dtype: Dtype, phase = 1): Float64Array | Float32Array {
  const v = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i + phase);
  return v;
}

describe('BsrMatrix', () => {
  it('toBsr / toCsr round trip, toDense and get against the CSR', () => {
    fc.assert(
      fc.property(blocked, ({ r, c, spec }) => {
        const A = buildCsr(spec);
        const B = A.toBsr(r, c);
        expect(B).toBeInstanceOf(BsrMatrix);
        expect([B.rows, B.cols, B.blockRows, B.blockCols, B.dtype]).toEqual([A.rows, A.cols, A.rows / r, A.cols / c, A.dtype]);
        expect(B.blockSize).toEqual([r, c]);
        expect(B.nnz).toBe(B.nnzBlocks * r * c);
        expect(B.values.length).toBe(B.nnz);
        // block columns sorted and unique; a block is stored exactly when the CSR has an entry in it
        const blocks = new Set<string>();
        for (let i = 0; i < A.rows; i++) for (let k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) blocks.add(`${Math.floor(i / r)},${Math.floor(A.colIdx[k] / c)}`);
        expect(B.nnzBlocks).toBe(blocks.size);
        for (let I = 0; I < B.blockRows; I++) {
          for (let k = B.blockRowPtr[I]; k < B.blockRowPtr[I + 1]; k++) {
            expect(blocks.has(`${I},${B.blockColIdx[k]}`)).toBe(true);
            if (k > B.blockRowPtr[I]) expect(B.blockColIdx[k]).toBeGreaterThan(B.blockColIdx[k - 1]);
          }
        }
        expect(B.toDense().data).toEqual(A.toDense().data);
        const back = B.toCsr();
        const clean = withoutZeros(A);
        expect(back.rowPtr).toEqual(clean.rowPtr);
        expect(back.colIdx).toEqual(clean.colIdx);
        expect(back.values).toEqual(clean.values);
        const full = B.toCsr({ keepZeros: true });
        expect(full.nnz).toBe(B.nnz);
        expect(full.toDense().data).toEqual(A.toDense().data);
        expect(full.toBsr(r, c).values).toEqual(B.values);
        for (let t = 0; t < 5 && A.rows * A.cols > 0; t++) {
          const i = (t * 7) % A.rows;
          const j = (t * 5 + 3) % A.cols;
          expect(B.get(i, j)).toBe(A.get(i, j));
        }
        const B32 = B.astype('f32');
        expect(B32.dtype).toBe('f32');
        expect(B32.blockRowPtr).toEqual(B.blockRowPtr);
        expect(B32.blockRowPtr).not.toBe(B.blockRowPtr);
      }),
      runs,
    );
  });

  it('matvec and matmat (k = 1..9), plain and transposed, alpha/beta, against dense references', () => {
    fc.assert(
      fc.property(blocked, fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, -0.5, 2), fc.constantFrom(0, 1, 0.25), ({ r, c, spec }, k, alpha, beta) => {
        const A = buildCsr(spec);
        const B = A.toBsr(r, c);
        const D = toDenseRef(A);
        const Dt = transposeRef(D, A.cols);
        const tol = tolFor(spec.dtype);
        const x = sin(A.cols, spec.dtype);
        const y0 = sin(A.rows, spec.dtype, 2);
        const y = B.matvec(x, { alpha, beta, out: y0.slice() });
        const ref = matvecRef(D, x).map((v, i) => alpha * v + beta * y0[i]);
        const scale = matvecAbsRef(D, x).map((v, i) => Math.abs(alpha) * v + Math.abs(beta * y0[i]));
        expectClose(y, ref, scale, tol);
        expect(y.constructor).toBe(A.values.constructor);
        const xt = sin(A.rows, spec.dtype, 3);
        expectClose(B.matvec(xt, { transpose: true }), matvecRef(Dt, xt), matvecAbsRef(Dt, xt), tol);
        // SpMM: column t of the result is the matvec of column t of X
        for (const transpose of [false, true]) {
          const n = transpose ? A.rows : A.cols;
          const m = transpose ? A.cols : A.rows;
          const X = new DenseMatrix(n, k, sin(n * k, spec.dtype, 4));
          const Y = B.matmat(X, { transpose, alpha });
          expect([Y.rows, Y.cols]).toEqual([m, k]);
          const M = transpose ? Dt : D;
          for (let t = 0; t < k; t++) {
            const col = Array.from({ length: n }, (_, i) => X.data[i * k + t]);
            const got = Array.from({ length: m }, (_, i) => Y.data[i * k + t]);
            expectClose(got, matvecRef(M, col).map((v) => alpha * v), matvecAbsRef(M, col).map((v) => Math.abs(alpha) * v), tol);
          }
        }
      }),
      runs,
    );
  });

  it('every block size 1..8 x 1..8 on one 840x840 matrix: same products as the CSR', () => {
    const A = CsrMatrix.random(840, 840, 0.004, { seed: 11 });
    const x = sin(840, 'f64');
    const X = new DenseMatrix(840, 3, sin(840 * 3, 'f64', 5));
    const y = A.matvec(x);
    const yt = A.matvec(x, { transpose: true });
    const Y = A.matmat(X);
    const scale = 40;
    for (let r = 1; r <= 8; r++) {
      for (let c = 1; c <= 8; c++) {
        const B = A.toBsr(r, c);
        expect(B.toCsr().rowPtr).toEqual(A.rowPtr);
        expect(B.toCsr().colIdx).toEqual(A.colIdx);
        expectClose(B.matvec(x), y, scale, 1e-12);
        expectClose(B.matvec(x, { transpose: true }), yt, scale, 1e-12);
        expectClose(B.matmat(X).data, Y.data, scale, 1e-12);
      }
    }
  });

  it('empty matrices', () => {
    for (const [rows, cols, r, c] of [
      [0, 0, 4, 4],
      [0, 8, 2, 4],
      [8, 0, 4, 1],
      [8, 8, 8, 8],
    ]) {
      const A = new CsrMatrix(rows, cols, new Int32Array(rows + 1), new Int32Array(0), new Float64Array(0));
      const B = A.toBsr(r, c);
      expect(B.nnzBlocks).toBe(0);
      expect(B.matvec(new Float64Array(cols))).toEqual(new Float64Array(rows));
      expect(B.matvec(new Float64Array(rows), { transpose: true })).toEqual(new Float64Array(cols));
      expect(B.matmat(new DenseMatrix(cols, 2)).data).toEqual(new Float64Array(rows * 2));
      expect(B.toCsr().nnz).toBe(0);
      expect(B.toDense().data).toEqual(new Float64Array(rows * cols));
    }
  });

  it('a dense 4x4-block matrix: explicit zeros inside blocks, NaN kept, -0 dropped by toCsr', () => {
    const A = CsrMatrix.fromDense(DenseMatrix.fromArray([
      [1, 0, 0, 0],
      [0, 0, 0, 2],
      [0, 0, 0, 0],
      [0, 0, NaN, 0],
    ]));
    const B = A.toBsr(2);
    expect(Array.from(B.blockRowPtr)).toEqual([0, 2, 3]);
    expect(Array.from(B.blockColIdx)).toEqual([0, 1, 1]);
    expect(Array.from(B.values.subarray(0, 8))).toEqual([1, 0, 0, 0, 0, 0, 0, 2]);
    expect(B.toCsr().nnz).toBe(3);
    expect(Number.isNaN(B.toCsr().values[2])).toBe(true);
    const Z = BsrMatrix.fromArrays({ rows: 2, cols: 2, blockSize: [2, 2], blockRowPtr: Int32Array.from([0, 1]), blockColIdx: Int32Array.from([0]), values: Float64Array.from([0, -0, 3, 0]) });
    expect(Z.toCsr().nnz).toBe(1);
    expect(Z.toCsr({ keepZeros: true }).nnz).toBe(4);
  });

  it('bad arguments: block sizes, shapes, types', () => {
    const A = CsrMatrix.random(12, 12, 0.3, { seed: 1 });
    for (const bad of [0, 9, 1.5, -2, NaN, Infinity]) {
      expect(() => A.toBsr(bad)).toThrow(ShapeError);
      expect(() => A.toBsr(2, bad)).toThrow(ShapeError);
    }
    expect(() => A.toBsr(5)).toThrow(ShapeError);
    expect(() => A.toBsr(5)).toThrow('cannot be cut into 5x5 blocks');
    expect(() => A.toBsr(4, 8)).toThrow(ShapeError);
    expect(() => A.toBsr('2' as unknown as number)).toThrow(TypeError);
    const B = A.toBsr(3, 4);
    expect(() => B.matvec(new Float64Array(11))).toThrow(ShapeError);
    expect(() => B.matvec(new Float64Array(12), { out: new Float32Array(12) })).toThrow(TypeError);
    expect(() => B.matmat(new DenseMatrix(11, 2))).toThrow(ShapeError);
    expect(() => B.matmat(new Float64Array(3) as unknown as DenseMatrix)).toThrow(TypeError);
    expect(() => B.get(12, 0)).toThrow(ShapeError);
    const base = { rows: 4, cols: 4, blockSize: [2, 2] as [number, number], blockRowPtr: Int32Array.from([0, 1, 2]), blockColIdx: Int32Array.from([0, 1]), values: new Float64Array(8) };
    expect(() => BsrMatrix.fromArrays(base)).not.toThrow();
    expect(() => BsrMatrix.fromArrays({ ...base, blockSize: [3, 2] })).toThrow(ShapeError);
    expect(() => BsrMatrix.fromArrays({ ...base, blockSize: [2] as unknown as [number, number] })).toThrow(TypeError);
    expect(() => BsrMatrix.fromArrays({ ...base, blockColIdx: Int32Array.from([0, 2]) })).toThrow(FormatError);
    expect(() => BsrMatrix.fromArrays({ ...base, blockRowPtr: Int32Array.from([0, 2, 1]) })).toThrow(FormatError);
    expect(() => BsrMatrix.fromArrays({ ...base, values: new Float64Array(7) })).toThrow(FormatError);
    expect(() => BsrMatrix.fromArrays({ ...base, blockRowPtr: Int32Array.from([0, 2, 2]), blockColIdx: Int32Array.from([1, 0]) })).toThrow(/not sorted/);
    expect(() => BsrMatrix.fromArrays({ ...base, blockColIdx: [0, 1] as unknown as Int32Array })).toThrow(TypeError);
    // validate: false adopts the arrays; the kernels still refuse what they cannot trust
    const broken = BsrMatrix.fromArrays({ ...base, blockColIdx: Int32Array.from([0, 7]) }, { validate: false, copy: false });
    expect(() => broken.matvec(new Float64Array(4))).toThrow(FormatError);
    expect(() => broken.matvec(new Float64Array(4), { transpose: true })).toThrow(FormatError);
    expect(() => broken.matmat(new DenseMatrix(4, 2))).toThrow(FormatError);
    expect(() => broken.toCsr()).toThrow(FormatError);
    expect(() => broken.toDense()).toThrow(FormatError);
  });

  it('fromArrays copies unless told not to', () => {
    const input = { rows: 2, cols: 2, blockSize: [2, 2] as [number, number], blockRowPtr: Int32Array.from([0, 1]), blockColIdx: Int32Array.from([0]), values: Float64Array.from([1, 2, 3, 4]) };
    expect(BsrMatrix.fromArrays(input).values).not.toBe(input.values);
    expect(BsrMatrix.fromArrays(input, { copy: false }).values).toBe(input.values);
    expect(BsrMatrix.fromArrays(input).matvec([1, 1])).toEqual(Float64Array.from([3, 7]));
  });
});
