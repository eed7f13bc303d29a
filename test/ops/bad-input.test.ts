// Every entry point, fed what users get wrong: a typed error naming the problem, never a crash.
import { describe, expect, it } from 'vitest';
import { add, CooBuilder, CsrMatrix, DenseMatrix, FormatError, matvec, multiply, ShapeError, SparseError } from '../../src/index.js';

const A = () => CsrMatrix.random(4, 3, 0.5, { seed: 1 });

describe('bad input', () => {
  it('matvec: wrong length, wrong type, wrong out', () => {
    const m = A();
    expect(() => m.matvec(new Float64Array(4))).toThrow(ShapeError);
    expect(() => m.matvec(new Float64Array(3), { transpose: true })).toThrow(ShapeError);
    expect(() => m.matvec('abc' as unknown as number[])).toThrow(TypeError);
    expect(() => m.matvec(null as unknown as number[])).toThrow(TypeError);
    expect(() => m.matvec([1, 'a', 3] as unknown as number[])).toThrow(TypeError);
    expect(() => m.matvec([1, 2, 3], { out: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => m.matvec([1, 2, 3], { out: new Float32Array(4) })).toThrow(TypeError);
    expect(() => m.matvec([1, 2, 3], { out: [0, 0, 0, 0] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => m.matvec([1, 2, 3], { alpha: '2' as unknown as number })).toThrow(TypeError);
    expect(() => matvec({} as CsrMatrix, [1])).toThrow(TypeError);
    expect(() => new CsrMatrix(0, 0, Int32Array.from([0]), new Int32Array(0), new Float64Array(0)).matvec([])).not.toThrow();
  });

  it('matmat: wrong shapes and types', () => {
    const m = A();
    expect(() => m.matmat(new DenseMatrix(4, 2))).toThrow(ShapeError);
    expect(() => m.matmat(new DenseMatrix(4, 2), { transpose: true })).not.toThrow();
    expect(() => m.matmat([[1]] as unknown as DenseMatrix)).toThrow(TypeError);
    expect(() => m.matmat(new DenseMatrix(3, 2), { out: new DenseMatrix(4, 3) })).toThrow(ShapeError);
    expect(() => m.matmat(new DenseMatrix(3, 2), { out: new DenseMatrix(4, 2, undefined, { dtype: 'f32' }) })).toThrow(TypeError);
    expect(() => new DenseMatrix(2, 2, new Float64Array(3))).toThrow(ShapeError);
    expect(() => new DenseMatrix(-1, 2)).toThrow(ShapeError);
    expect(() => DenseMatrix.fromArray([[1, 2], [3]])).toThrow(ShapeError);
  });

  it('multiply and add: shape mismatches', () => {
    expect(() => A().multiply(A())).toThrow(ShapeError);
    expect(() => multiply(A(), 'x' as unknown as CsrMatrix)).toThrow(TypeError);
    expect(() => A().add(A().transpose())).toThrow(ShapeError);
    expect(() => add(A(), A(), { alpha: null as unknown as number })).toThrow(TypeError);
  });

  it('scaling and reductions: wrong lengths', () => {
    expect(() => A().scaleRows([1, 2, 3])).toThrow(ShapeError);
    expect(() => A().scaleCols([1, 2, 3, 4])).toThrow(ShapeError);
    expect(() => A().scale('2' as unknown as number)).toThrow(TypeError);
  });

  it('CooBuilder: indices out of range, non-integers, NaN index, length mismatch', () => {
    const b = new CooBuilder(2, 2);
    expect(() => b.add(2, 0, 1)).toThrow(FormatError);
    expect(() => b.add(0, -1, 1)).toThrow(FormatError);
    expect(() => b.add(0.5, 0, 1)).toThrow(FormatError);
    expect(() => b.add(NaN, 0, 1)).toThrow(FormatError);
    expect(() => b.add(0, 0, '1' as unknown as number)).toThrow(TypeError);
    expect(() => b.addMany([0, 1], [0], [1, 2])).toThrow(ShapeError);
    expect(() => b.addMany([0, 5], [0, 0], [1, 2])).toThrow(FormatError);
    expect(b.length).toBe(0);
    b.add(1, 1, NaN);
    expect(b.toCsr().get(1, 1)).toBeNaN();
    expect(() => new CooBuilder(2, 2, { dtype: 'f16' as never })).toThrow(TypeError);
  });

  it('all library errors are SparseErrors with a code', () => {
    try {
      A().multiply(A());
    } catch (e) {
      expect(e).toBeInstanceOf(SparseError);
      expect((e as SparseError).code).toBe('ERR_SPARSE_SHAPE');
    }
  });

  it('empty and degenerate matrices work everywhere', () => {
    for (const [r, c] of [
      [0, 0],
      [0, 3],
      [3, 0],
      [1, 1],
    ]) {
      const m = new CsrMatrix(r, c, new Int32Array(r + 1), new Int32Array(0), new Float64Array(0));
      expect(m.matvec(new Float64Array(c)).length).toBe(r);
      expect(m.matvec(new Float64Array(r), { transpose: true }).length).toBe(c);
      expect(m.matmat(new DenseMatrix(c, 2)).rows).toBe(r);
      expect(m.multiply(new CsrMatrix(c, 2, new Int32Array(c + 1), new Int32Array(0), new Float64Array(0))).nnz).toBe(0);
      expect(m.add(m).nnz).toBe(0);
      expect(m.transpose().rows).toBe(c);
      expect(m.normFrobenius()).toBe(0);
      expect(m.rowSums().length).toBe(r);
      expect(m.colSums().length).toBe(c);
      expect(m.toDense().data.length).toBe(r * c);
    }
  });
});
