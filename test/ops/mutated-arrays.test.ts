// Arrays written after a matrix was built, buffers transferred during an async call, and results
// too large to allocate: a typed error (the same on both backends), never a crash or a hang.
// Found by a seeded fuzz campaign (2026-12-04); each case crashed, hung or disagreed before.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BsrMatrix, CooBuilder, CsrMatrix, DenseMatrix, FormatError, formatMatrixMarket, matvecAsync, sinkhorn, transposeAsync } from '../../src/index.js';

const small = () => new CsrMatrix(3, 3, Int32Array.of(0, 1, 2, 3), Int32Array.of(0, 1, 2), Float64Array.of(1, 2, 3));

describe('arrays written after construction', () => {
  it('a negative rowPtr[rows] is the structure first error wherever results are sized by nnz', async () => {
    for (const last of [-1, -(2 ** 31)]) {
      const A = small();
      A.rowPtr[3] = last;
      const message = 'rowPtr is not monotone or exceeds nnz at row 2';
      expect(() => A.transpose(), `transpose ${last}`).toThrow(new FormatError(message));
      expect(() => A.toCsc(), `toCsc ${last}`).toThrow(new FormatError(message));
      expect(() => A.matvec([1, 1, 1]), `matvec ${last}`).toThrow(new FormatError(message));
      await expect(transposeAsync(A), `transposeAsync ${last}`).rejects.toThrow(new FormatError(message));
    }
  });

  it('matmat with no columns still checks the structure', async () => {
    const A = small();
    A.colIdx[1] = 5;
    const X = new DenseMatrix(3, 0);
    const message = 'column index 5 at position 1 is out of range [0, 3)';
    expect(() => A.matmat(X)).toThrow(new FormatError(message));
    await expect(A.matmatAsync(X)).rejects.toThrow(new FormatError(message));
  });

  it('get, row, BsrMatrix.get and formatMatrixMarket refuse a broken row bound at once', () => {
    const A = small();
    A.rowPtr[1] = -(2 ** 31);
    expect(() => A.get(1, 1)).toThrow(FormatError);
    expect(() => A.row(1)).toThrow(FormatError);
    expect(() => formatMatrixMarket(A)).toThrow(new FormatError('rowPtr is not monotone or exceeds nnz at row 0'));
    const B = BsrMatrix.fromArrays({ rows: 4, cols: 4, blockSize: [2, 2], blockRowPtr: Int32Array.of(0, 1, 2), blockColIdx: Int32Array.of(0, 1), values: new Float64Array(8).fill(1) });
    B.blockRowPtr[1] = -(2 ** 31);
    expect(() => B.get(2, 2)).toThrow(FormatError);
  });

  it('sinkhorn on a CSR cost written from onIteration reports the first bad row, for every method', () => {
    const n = 4;
    const b = new CooBuilder(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b.add(i, j, (i - j) ** 2 + 0.5);
    const a = new Float64Array(n).fill(1 / n);
    const cases: [(C: CsrMatrix) => void, string][] = [
      [(C) => (C.colIdx[5] = 65536), `column index out of range [0, ${n}) in row 1`],
      [(C) => (C.rowPtr[2] = -(2 ** 31)), 'rowPtr is not monotone or exceeds nnz at row 1'],
    ];
    for (const [spoil, message] of cases) {
      for (const method of ['log', 'sinkhorn', 'sns'] as const) {
        const C = b.toCsr();
        let spoiled = false;
        const onIteration = (info: { iteration: number }) => {
          if (!spoiled && info.iteration >= 1) {
            spoiled = true;
            spoil(C);
          }
        };
        expect(() => sinkhorn(a, a, C, { method, epsilonRelative: 0.5, maxIter: 30, onIteration }), `${method}: ${message}`).toThrow(new FormatError(message));
      }
    }
  });
});

describe('async products and transferred buffers', () => {
  it("an operand's buffer cannot be detached while the product runs (it is copied or the transfer throws)", async () => {
    const A = CsrMatrix.random(20000, 20000, 10 / 20000, { seed: 4 });
    const x = new Float64Array(A.cols).map((_, j) => Math.sin(j));
    const want = A.matvec(x);
    const pending = matvecAsync(A, x);
    for (const buffer of [x.buffer, A.colIdx.buffer, A.values.buffer]) {
      try {
        structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
      } catch (err) {
        expect((err as Error).name).toBe('DataCloneError'); // Node 21 on
      }
    }
    expect(x.length).toBe(A.cols);
    expect(A.colIdx.length).toBe(A.nnz);
    expect(await pending).toEqual(want);
  });
});

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

describe('results too large to allocate', () => {
  // 16 GiB of result under a 6 GB address-space limit: V8's ArrayBuffer::New would end the
  // process; the addon allocates through JS's ArrayBuffer, whose failure is an exception.
  // Not under AddressSanitizer (LD_PRELOAD): its shadow memory does not fit the limit.
  const skip = process.platform !== 'linux' || !existsSync(dist) || (process.env.LD_PRELOAD ?? '').includes('asan');
  it.skipIf(skip)('are a typed error, not the end of the process', () => {
    const script = `const L = await import(${JSON.stringify(dist)});
const A = new L.CsrMatrix(1, 2147483647, new Int32Array(2), new Int32Array(0), new Float64Array(0));
try { L.matvec(A, [1], { transpose: true }); console.log('no error'); } catch (e) { console.log('threw', e.name); }`;
    const r = spawnSync('bash', ['-c', `ulimit -v 6000000; exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8', env: process.env });
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^threw (SparseError|RangeError)$/);
  });
});
