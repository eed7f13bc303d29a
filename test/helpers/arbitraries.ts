// fast-check generators for CSR matrices that stress the kernels: empty matrices and rows, 1x1,
// very skewed row lengths, negative zeros, both dtypes.
import fc from 'fast-check';
import { CsrMatrix, type Dtype } from '../../src/index.js';

export interface MatrixSpec {
  rows: number;
  cols: number;
  entries: [number, number, number][];
  dtype: Dtype;
}

// Magnitudes below 1e-6 become (signed) zeros: products of such values underflow differently in a
// float32 kernel and the float64 reference, which is rounding, not a bug.
const notTiny = (v: number): number => (Math.abs(v) < 1e-6 ? v * 0 : v);
const finite = fc.double({ min: -10, max: 10, noNaN: true }).map(notTiny);

/** A scalar factor (alpha, beta) with the same no-tiny rule. */
export const scalar = fc.double({ min: -3, max: 3, noNaN: true }).map(notTiny);

const value = fc.oneof(
  { weight: 6, arbitrary: finite },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) },
);

/** A matrix spec: either uniform random entries, or a skewed one with a single very long row. */
export function matrixSpec(opts: { maxDim?: number; rows?: number; cols?: number; dtype?: Dtype } = {}): fc.Arbitrary<MatrixSpec> {
  const maxDim = opts.maxDim ?? 24;
  const dims = fc.record({
    rows: opts.rows !== undefined ? fc.constant(opts.rows) : fc.integer({ min: 0, max: maxDim }),
    cols: opts.cols !== undefined ? fc.constant(opts.cols) : fc.integer({ min: 0, max: maxDim }),
    dtype: opts.dtype !== undefined ? fc.constant(opts.dtype) : fc.constantFrom<Dtype>('f64', 'f32'),
    skewed: fc.boolean(),
  });
  return dims.chain(({ rows, cols, dtype, skewed }) => {
    if (rows === 0 || cols === 0) return fc.constant({ rows, cols, entries: [], dtype });
    const uniform = fc.array(fc.tuple(fc.integer({ min: 0, max: rows - 1 }), fc.integer({ min: 0, max: cols - 1 }), value), {
      maxLength: Math.min(rows * cols, 80),
    });
    if (!skewed) return uniform.map((entries) => ({ rows, cols, entries, dtype }));
    return fc.tuple(fc.integer({ min: 0, max: rows - 1 }), uniform, fc.array(value, { minLength: cols, maxLength: cols })).map(([heavy, entries, full]) => ({
      rows,
      cols,
      entries: [...entries, ...full.map((v, j) => [heavy, j, v] as [number, number, number])],
      dtype,
    }));
  });
}

/** Builds the canonical CSR of a spec directly (duplicates summed in insertion order), without library code paths other than the constructor. */
export function buildCsr(spec: MatrixSpec): CsrMatrix {
  const { rows, cols, dtype } = spec;
  const byRow: Map<number, number>[] = Array.from({ length: rows }, () => new Map());
  for (const [i, j, v] of spec.entries) byRow[i].set(j, (byRow[i].get(j) ?? 0) + v);
  const rowPtr = new Int32Array(rows + 1);
  const cols_: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < rows; i++) {
    const keys = [...byRow[i].keys()].sort((a, b) => a - b);
    for (const j of keys) {
      cols_.push(j);
      vals.push(byRow[i].get(j)!);
    }
    rowPtr[i + 1] = cols_.length;
  }
  const values = dtype === 'f32' ? Float32Array.from(vals) : Float64Array.from(vals);
  return new CsrMatrix(rows, cols, rowPtr, Int32Array.from(cols_), values);
}

export function vectorOf(n: number, dtype: Dtype): fc.Arbitrary<Float64Array | Float32Array> {
  return fc.array(finite, { minLength: n, maxLength: n }).map((a) => (dtype === 'f32' ? Float32Array.from(a) : Float64Array.from(a)));
}

/** Relative tolerance for comparisons with the float64 dense reference. */
export function tolFor(dtype: Dtype): number {
  return dtype === 'f32' ? 1e-5 : 1e-12;
}

export const FC_SEED = 20261201;
