import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CsrMatrix,
  FormatError,
  ShapeError,
  formatMatrixMarket,
  parseMatrixMarket,
  readMatrixMarket,
  readMatrixMarketAsync,
  writeMatrixMarket,
  type Dtype,
} from '../../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'sparse-linalg-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Kind = 'general' | 'symmetric' | 'skew-symmetric';
type Entry = [number, number, number];

/** Canonical CSR from unique entries. */
function csr(rows: number, cols: number, entries: Entry[], dtype: Dtype): CsrMatrix {
  const sorted = [...entries].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const rowPtr = new Int32Array(rows + 1);
  for (const [i] of sorted) rowPtr[i + 1]++;
  for (let i = 0; i < rows; i++) rowPtr[i + 1] += rowPtr[i];
  const colIdx = Int32Array.from(sorted, (e) => e[1]);
  const values = dtype === 'f32' ? Float32Array.from(sorted, (e) => e[2]) : Float64Array.from(sorted, (e) => e[2]);
  return CsrMatrix.fromArrays({ rows, cols, rowPtr, colIdx, values }, { copy: false });
}

function arbMatrix(kind: Kind, dtype: Dtype, value: fc.Arbitrary<number>): fc.Arbitrary<CsrMatrix> {
  const shape = kind === 'general' ? fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })) : fc.integer({ min: 0, max: 12 }).map((n) => [n, n] as [number, number]);
  return shape.chain(([rows, cols]) => {
    const cells: [number, number][] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (kind === 'general' || (kind === 'symmetric' && j <= i) || (kind === 'skew-symmetric' && j < i)) cells.push([i, j]);
      }
    }
    const picked = cells.length === 0 ? fc.constant([] as [number, number][]) : fc.subarray(cells);
    return picked.chain((ps) =>
      fc.array(value, { minLength: ps.length, maxLength: ps.length }).map((vs) => {
        const entries: Entry[] = [];
        ps.forEach(([i, j], k) => {
          entries.push([i, j, vs[k]]);
          if (i !== j && kind !== 'general') entries.push([j, i, kind === 'symmetric' ? vs[k] : -vs[k]]);
        });
        return csr(rows, cols, entries, dtype);
      }),
    );
  });
}

function expectSame(B: CsrMatrix, A: CsrMatrix): void {
  expect([B.rows, B.cols, B.nnz, B.dtype]).toEqual([A.rows, A.cols, A.nnz, A.dtype]);
  expect(Array.from(B.rowPtr)).toEqual(Array.from(A.rowPtr));
  expect(Array.from(B.colIdx)).toEqual(Array.from(A.colIdx));
  // Bit-exact for every nonzero value (=== on doubles); NaN matches NaN. The sign of a zero is not
  // compared: the backends only promise values, and -0 + 0 may become +0 in a native kernel.
  for (let t = 0; t < A.nnz; t++) {
    const a = A.values[t];
    const b = B.values[t];
    if (!(a === b || (a !== a && b !== b))) expect([t, b]).toEqual([t, a]);
  }
}

const opts = { seed: 42, numRuns: 100 };
const anyDouble = fc.double();
const anyFloat = fc.float();
const integers = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(0, -0, 2 ** 53, -(2 ** 60), 1e21, -1.5e25, 2 ** 80));

describe('format -> parse round trips (exact)', () => {
  for (const kind of ['general', 'symmetric', 'skew-symmetric'] as const) {
    it(`real ${kind}, f64 (every double, NaN, +-inf, -0, subnormals)`, () => {
      fc.assert(
        fc.property(arbMatrix(kind, 'f64', anyDouble), (A) => {
          const text = formatMatrixMarket(A, { symmetry: kind });
          expect(text.startsWith(`%%MatrixMarket matrix coordinate real ${kind}\n`)).toBe(true);
          expectSame(parseMatrixMarket(text), A);
          expectSame(parseMatrixMarket(text, { chunkSize: 7 }), A);
        }),
        opts,
      );
    });
    it(`real ${kind}, f32 (written as the float's double value)`, () => {
      fc.assert(
        fc.property(arbMatrix(kind, 'f32', anyFloat), (A) => {
          const text = formatMatrixMarket(A, { symmetry: kind });
          expectSame(parseMatrixMarket(text, { dtype: 'f32' }), A);
          const D = parseMatrixMarket(text);
          for (let t = 0; t < A.nnz; t++) expect(D.values[t] === A.values[t] || (Number.isNaN(D.values[t]) && Number.isNaN(A.values[t]))).toBe(true);
        }),
        opts,
      );
    });
    it(`integer ${kind}`, () => {
      fc.assert(
        fc.property(arbMatrix(kind, 'f64', integers), (A) => {
          const text = formatMatrixMarket(A, { field: 'integer', symmetry: kind });
          expect(text).not.toMatch(/e\+/);
          expectSame(parseMatrixMarket(text), A);
        }),
        opts,
      );
    });
  }
  for (const kind of ['general', 'symmetric'] as const) {
    it(`pattern ${kind}: structure kept, values read back as 1`, () => {
      fc.assert(
        fc.property(arbMatrix(kind, 'f64', anyDouble), (A) => {
          const B = parseMatrixMarket(formatMatrixMarket(A, { field: 'pattern', symmetry: kind }));
          expect(Array.from(B.rowPtr)).toEqual(Array.from(A.rowPtr));
          expect(Array.from(B.colIdx)).toEqual(Array.from(A.colIdx));
          expect(B.values.every((v) => v === 1)).toBe(true);
        }),
        opts,
      );
    });
  }

  it('empty matrices', () => {
    for (const [r, c] of [[0, 0], [3, 0], [0, 4], [1, 0], [3, 4]]) {
      const A = csr(r, c, [], 'f64');
      const text = formatMatrixMarket(A);
      expect(text).toBe(`%%MatrixMarket matrix coordinate real general\n${r} ${c} 0\n`);
      expectSame(parseMatrixMarket(text), A);
    }
    expectSame(parseMatrixMarket(formatMatrixMarket(csr(0, 0, [], 'f64'), { symmetry: 'skew-symmetric' })), csr(0, 0, [], 'f64'));
  });

  it('text details: header, comment lines, lower triangle only, f32 spelled as its double', () => {
    const A = csr(2, 2, [[0, 0, 1], [0, 1, 0.1], [1, 0, 0.1], [1, 1, -0]], 'f32');
    const text = formatMatrixMarket(A, { symmetry: 'symmetric', comment: 'first\n\nthird' });
    expect(text).toBe(
      '%%MatrixMarket matrix coordinate real symmetric\n% first\n%\n% third\n2 2 3\n1 1 1\n2 1 0.10000000149011612\n2 2 -0\n',
    );
    const I = csr(1, 3, [[0, 0, 1e21], [0, 1, -0], [0, 2, Infinity]], 'f64');
    expect(formatMatrixMarket(I)).toBe('%%MatrixMarket matrix coordinate real general\n1 3 3\n1 1 1e+21\n1 2 -0\n1 3 inf\n');
    expect(formatMatrixMarket(csr(1, 1, [[0, 0, 1e21]], 'f64'), { field: 'integer' })).toContain('1 1 1000000000000000000000\n');
  });
});

describe('writer checks', () => {
  it('symmetric / skew-symmetric need a square matrix (ShapeError)', () => {
    const A = csr(2, 3, [[0, 0, 1]], 'f64');
    expect(() => formatMatrixMarket(A, { symmetry: 'symmetric' })).toThrow(ShapeError);
    expect(() => writeMatrixMarket(join(tmp, 'never.mtx'), A, { symmetry: 'skew-symmetric' })).toThrow(ShapeError);
  });
  it('a matrix that is not symmetric / skew-symmetric is a FormatError', () => {
    const A = csr(2, 2, [[0, 1, 1], [1, 0, 2]], 'f64');
    expect(() => formatMatrixMarket(A, { symmetry: 'symmetric' })).toThrow(FormatError);
    expect(() => formatMatrixMarket(csr(2, 2, [[1, 0, 1]], 'f64'), { symmetry: 'symmetric' })).toThrow(/A\[1, 0\] = 1 but A\[0, 1\] = 0/);
    expect(() => formatMatrixMarket(csr(2, 2, [[1, 0, 1], [0, 1, 1]], 'f64'), { symmetry: 'skew-symmetric' })).toThrow(FormatError);
    expect(() => formatMatrixMarket(csr(2, 2, [[0, 0, 1]], 'f64'), { symmetry: 'skew-symmetric' })).toThrow(/diagonal entry \(0, 0\) is 1/);
    expect(() => formatMatrixMarket(csr(2, 2, [[1, 0, 0]], 'f64'), { field: 'pattern', symmetry: 'symmetric' })).toThrow(/pattern is not symmetric/);
    // an explicit zero without its mirror is still value-symmetric
    expect(formatMatrixMarket(csr(2, 2, [[1, 0, 0]], 'f64'), { symmetry: 'symmetric' })).toContain('2 2 1\n2 1 0\n');
  });
  it("field 'integer' needs integer values (FormatError)", () => {
    expect(() => formatMatrixMarket(csr(2, 2, [[1, 1, 1.5]], 'f64'), { field: 'integer' })).toThrow(/value at \(1, 1\) is 1.5, not an integer/);
    expect(() => formatMatrixMarket(csr(1, 1, [[0, 0, NaN]], 'f64'), { field: 'integer' })).toThrow(FormatError);
  });
  it('bad options are TypeErrors', () => {
    const A = csr(1, 1, [], 'f64');
    expect(() => formatMatrixMarket(A, { field: 'complex' as 'real' })).toThrow(TypeError);
    expect(() => formatMatrixMarket(A, { symmetry: 'hermitian' as 'general' })).toThrow(TypeError);
    expect(() => formatMatrixMarket({} as CsrMatrix)).toThrow(TypeError);
  });
});

describe('files', () => {
  it('writeMatrixMarket -> readMatrixMarket / readMatrixMarketAsync, plain and .gz', async () => {
    await fc.assert(
      fc.asyncProperty(arbMatrix('symmetric', 'f64', anyDouble), fc.boolean(), async (A, gz) => {
        const file = join(tmp, gz ? 'a.mtx.gz' : 'a.mtx');
        writeMatrixMarket(file, A, { symmetry: 'symmetric' });
        const bytes = readFileSync(file);
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gz);
        expectSame(readMatrixMarket(file), A);
        expectSame(readMatrixMarket(file, { chunkSize: 5 }), A);
        expectSame(await readMatrixMarketAsync(file), A);
      }),
      { seed: 42, numRuns: 40 },
    );
  });
  it('a large .gz file (several gzip members) reads back; the text equals formatMatrixMarket', async () => {
    const A = CsrMatrix.random(3000, 2000, 0.01, { seed: 7 });
    const file = join(tmp, 'big.MTX.GZ');
    writeMatrixMarket(file, A, { comment: 'random' });
    const text = gunzipSync(readFileSync(file)).toString('latin1');
    expect(text).toBe(formatMatrixMarket(A, { comment: 'random' }));
    expect(text.length).toBeGreaterThan(1 << 20); // more than one piece, so more than one gzip member
    expectSame(readMatrixMarket(file), A);
    expectSame(await readMatrixMarketAsync(file, { chunkSize: 4096 }), A);
    const plain = join(tmp, 'big.mtx');
    writeMatrixMarket(plain, A, { comment: 'random' });
    expect(readFileSync(plain, 'latin1')).toBe(text);
    expectSame(readMatrixMarket(plain, { dtype: 'f32' }), A.astype('f32'));
  });
});
