import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CooBuilder, DenseMatrix } from '../../src/index.js';
import { buildCsr, FC_SEED, matrixSpec, scalar, tolFor, vectorOf } from '../helpers/arbitraries.js';
import { expectClose, matmulRef, matvecAbsRef, matvecRef, toDenseRef, transposeRef } from '../helpers/reference.js';

const runs = { seed: FC_SEED, numRuns: 150 };

describe('matvec against a dense reference', () => {
  it('y = A x', () => {
    fc.assert(
      fc.property(
        matrixSpec().chain((s) => fc.tuple(fc.constant(s), vectorOf(s.cols, s.dtype))),
        ([spec, x]) => {
          const A = buildCsr(spec);
          const D = toDenseRef(A);
          expectClose(A.matvec(x), matvecRef(D, x), matvecAbsRef(D, x), tolFor(spec.dtype));
        },
      ),
      runs,
    );
  });

  it('y = alpha A^T x + beta y, into out', () => {
    fc.assert(
      fc.property(
        matrixSpec().chain((s) => fc.tuple(fc.constant(s), vectorOf(s.rows, s.dtype), vectorOf(s.cols, s.dtype), scalar, scalar)),
        ([spec, x, y0, alpha, beta]) => {
          const A = buildCsr(spec);
          const Dt = transposeRef(toDenseRef(A), A.cols);
          const out = y0.slice();
          const r = A.matvec(x, { transpose: true, alpha, beta, out });
          expect(r).toBe(out);
          const ax = matvecRef(Dt, x);
          const scale = matvecAbsRef(Dt, x).map((s, j) => Math.abs(alpha) * s + Math.abs(beta * y0[j]));
          expectClose(out, ax.map((v, j) => alpha * v + beta * y0[j]), scale, tolFor(spec.dtype) * 4);
        },
      ),
      runs,
    );
  });

  it('beta = 0 ignores NaN already in out', () => {
    const A = buildCsr({ rows: 2, cols: 2, entries: [[0, 0, 1], [1, 1, 2]], dtype: 'f64' });
    const out = new Float64Array([NaN, NaN]);
    A.matvec([1, 1], { out, beta: 0 });
    expect(Array.from(out)).toEqual([1, 2]);
    const outT = new Float64Array([NaN, NaN]);
    A.matvec([1, 1], { out: outT, beta: 0, transpose: true });
    expect(Array.from(outT)).toEqual([1, 2]);
  });

  it('x aliasing out is read before it is overwritten', () => {
    const A = buildCsr({ rows: 2, cols: 2, entries: [[0, 1, 1], [1, 0, 1]], dtype: 'f64' });
    const v = new Float64Array([3, 4]);
    A.matvec(v, { out: v });
    expect(Array.from(v)).toEqual([4, 3]);
  });

  it('accepts plain arrays and the other dtype for x', () => {
    const A = buildCsr({ rows: 1, cols: 2, entries: [[0, 0, 2], [0, 1, 3]], dtype: 'f32' });
    expect(Array.from(A.matvec([1, 1]))).toEqual([5]);
    expect(A.matvec(new Float64Array([1, 1]))).toBeInstanceOf(Float32Array);
  });
});

describe('matmat (SpMM) against a dense reference', () => {
  it('Y = A X and A^T X for k = 1..9', () => {
    fc.assert(
      fc.property(
        matrixSpec({ maxDim: 12 }).chain((s) =>
          fc.tuple(fc.constant(s), fc.integer({ min: 0, max: 9 }), fc.boolean()).chain(([spec, k, tr]) =>
            fc.tuple(fc.constant(spec), fc.constant(k), fc.constant(tr), vectorOf((tr ? spec.rows : spec.cols) * k, spec.dtype)),
          ),
        ),
        ([spec, k, tr, xdata]) => {
          const A = buildCsr(spec);
          const n = tr ? A.rows : A.cols;
          const X = new DenseMatrix(n, k, xdata);
          const Y = A.matmat(X, { transpose: tr });
          const D = tr ? transposeRef(toDenseRef(A), A.cols) : toDenseRef(A);
          const Xr = X.toArray();
          const ref = matmulRef(D, Xr, n, k);
          const scale = matmulRef(D.map((r) => r.map(Math.abs)), Xr.map((r) => r.map(Math.abs)), n, k);
          expect(Y.rows).toBe(tr ? A.cols : A.rows);
          expect(Y.cols).toBe(k);
          expectClose(Y.data, ref.flat(), scale.flat(), tolFor(spec.dtype) * 4);
        },
      ),
      runs,
    );
  });
});

describe('multiply (SpGEMM) against a dense reference', () => {
  it('C = A B is canonical and matches', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.constantFrom<'f64' | 'f32'>('f64', 'f32')).chain(([m, n, p, dtype]) =>
          fc.tuple(matrixSpec({ rows: m, cols: n, dtype }), matrixSpec({ rows: n, cols: p, dtype })),
        ),
        ([sa, sb]) => {
          const A = buildCsr(sa);
          const B = buildCsr(sb);
          const C = A.multiply(B);
          expect(C.rows).toBe(A.rows);
          expect(C.cols).toBe(B.cols);
          for (let i = 0; i < C.rows; i++) for (let k = C.rowPtr[i] + 1; k < C.rowPtr[i + 1]; k++) expect(C.colIdx[k]).toBeGreaterThan(C.colIdx[k - 1]);
          const ref = matmulRef(toDenseRef(A), toDenseRef(B), A.cols, B.cols);
          const scale = matmulRef(toDenseRef(A).map((r) => r.map(Math.abs)), toDenseRef(B).map((r) => r.map(Math.abs)), A.cols, B.cols);
          expectClose(C.toDense().data, ref.flat(), scale.flat(), tolFor(sa.dtype) * 4);
        },
      ),
      runs,
    );
  });

  it('keeps structural zeros (the pattern depends only on the patterns)', () => {
    const A = buildCsr({ rows: 1, cols: 2, entries: [[0, 0, 1], [0, 1, 1]], dtype: 'f64' });
    const B = buildCsr({ rows: 2, cols: 1, entries: [[0, 0, 1], [1, 0, -1]], dtype: 'f64' });
    const C = A.multiply(B);
    expect(C.nnz).toBe(1);
    expect(C.get(0, 0)).toBe(0);
  });

  it('mixed dtypes meet in f64', () => {
    const A = buildCsr({ rows: 1, cols: 1, entries: [[0, 0, 2]], dtype: 'f32' });
    const B = buildCsr({ rows: 1, cols: 1, entries: [[0, 0, 0.1]], dtype: 'f64' });
    expect(A.multiply(B).dtype).toBe('f64');
    expect(A.add(B).dtype).toBe('f64');
  });
});

describe('transpose, add, scaling, reductions', () => {
  it('all agree with the dense reference', () => {
    fc.assert(
      fc.property(
        matrixSpec().chain((s) => fc.tuple(fc.constant(s), matrixSpec({ rows: s.rows, cols: s.cols, dtype: s.dtype }), vectorOf(s.rows, s.dtype), vectorOf(s.cols, s.dtype), scalar)),
        ([sa, sb, dr, dc, alpha]) => {
          const A = buildCsr(sa);
          const B = buildCsr(sb);
          const D = toDenseRef(A);
          const DB = toDenseRef(B);
          const tol = tolFor(sa.dtype);
          const T = A.transpose();
          expect(toDenseRef(T)).toEqual(transposeRef(D, A.cols));
          expect(T.transpose().colIdx).toEqual(A.colIdx);
          const csc = A.toCsc();
          expect(csc.toCsr().values).toEqual(A.values);
          const S = A.add(B, { alpha, beta: 2 });
          const sum = D.flatMap((row, i) => row.map((v, j) => alpha * v + 2 * DB[i][j]));
          const sumScale = D.flatMap((row, i) => row.map((v, j) => Math.abs(alpha * v) + Math.abs(2 * DB[i][j])));
          expectClose(S.toDense().data, sum, sumScale, tol * 4);
          expectClose(A.scale(alpha).toDense().data, D.flat().map((v) => alpha * v), D.flat().map((v) => Math.abs(alpha * v)), tol);
          expectClose(A.scaleRows(dr).toDense().data, D.flatMap((row, i) => row.map((v) => v * dr[i])), D.flatMap((row, i) => row.map((v) => Math.abs(v * dr[i]))), tol);
          expectClose(A.scaleCols(dc).toDense().data, D.flatMap((row) => row.map((v, j) => v * dc[j])), D.flatMap((row) => row.map((v, j) => Math.abs(v * dc[j]))), tol);
          expectClose(A.rowSums(), D.map((r) => r.reduce((s, v) => s + v, 0)), D.map((r) => r.reduce((s, v) => s + Math.abs(v), 0)), tol);
          const cs = transposeRef(D, A.cols);
          expectClose(A.colSums(), cs.map((r) => r.reduce((s, v) => s + v, 0)), cs.map((r) => r.reduce((s, v) => s + Math.abs(v), 0)), tol);
          const n = Math.min(A.rows, A.cols);
          expectClose(A.diagonal(), Array.from({ length: n }, (_, i) => D[i][i]), 1, 0);
          const fro = Math.sqrt(D.flat().reduce((s, v) => s + v * v, 0));
          expectClose([A.normFrobenius()], [fro], fro, 1e-12);
        },
      ),
      runs,
    );
  });

  it('normFrobenius neither overflows nor underflows', () => {
    const big = buildCsr({ rows: 1, cols: 2, entries: [[0, 0, 1e200], [0, 1, 1e200]], dtype: 'f64' });
    expect(big.normFrobenius()).toBeCloseTo(Math.SQRT2 * 1e200, -190);
    const tiny = buildCsr({ rows: 1, cols: 2, entries: [[0, 0, 3e-200], [0, 1, 4e-200]], dtype: 'f64' });
    expect(tiny.normFrobenius() / 5e-200).toBeCloseTo(1, 12);
    const withNaN = buildCsr({ rows: 1, cols: 2, entries: [[0, 0, NaN], [0, 1, 1]], dtype: 'f64' });
    expect(withNaN.normFrobenius()).toBeNaN();
  });
});

describe('CooBuilder', () => {
  it('sums duplicates and sorts, like the reference', () => {
    fc.assert(
      fc.property(matrixSpec(), (spec) => {
        const b = new CooBuilder(spec.rows, spec.cols, { dtype: spec.dtype });
        for (const [i, j, v] of spec.entries) b.add(i, j, v);
        const A = b.toCsr();
        const R = buildCsr(spec);
        expect(A.rowPtr).toEqual(R.rowPtr);
        expect(A.colIdx).toEqual(R.colIdx);
        expectClose(A.values, R.values, spec.entries.reduce((s, e) => Math.max(s, Math.abs(e[2])), 0) * 8, tolFor(spec.dtype));
      }),
      runs,
    );
  });
});
