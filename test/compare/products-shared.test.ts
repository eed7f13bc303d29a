// The products (CSR and BSR, plain and transposed) and the reductions validate A and then read
// or scatter by its row bounds and column indices. Arrays on a SharedArrayBuffer can change between the
// check and that pass from another thread: the call must then either return or raise a typed
// error, never read or write out of place (run under ASan to see it). The pass re-checks every row
// bound and column as it uses it.
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { BsrMatrix, CsrMatrix, DenseMatrix, getThreads, setThreads } from '../../src/index.js';
import { breakAndRestore, underMutation } from '../helpers/mutation.js';

describe.skipIf(!nativeAvailable())('transposed products and reductions under concurrent mutation', () => {
  const initialThreads = nativeAvailable() ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    setBackend('auto');
  });

  // Scattered columns put every group's rows into its private buffer; banded ones let most parts
  // of a group write straight into the output (scatterTransposed).
  it.each(['scattered', 'banded'])('return the unchanged answer or raise FormatError while another thread rewrites the row pointer and the columns (%s columns)', async (layout) => {
    setBackend('native');
    setThreads(2);
    const rows = 20_000;
    const cols = 30_000;
    const perRow = 10;
    const nnz = rows * perRow;
    const rowPtr = new Int32Array(new SharedArrayBuffer(4 * (rows + 1)));
    const colIdx = new Int32Array(new SharedArrayBuffer(4 * nnz));
    for (let i = 0; i <= rows; i++) rowPtr[i] = i * perRow;
    for (let k = 0; k < nnz; k++) {
      const i = Math.floor(k / perRow);
      colIdx[k] = layout === 'banded' ? Math.floor((i * (cols - 3 * perRow)) / rows) + 3 * (k % perRow) : (k * 7919) % cols;
    }
    const values = Float64Array.from({ length: nnz }, (_, k) => 1 + (k % 17));
    const A = new CsrMatrix(rows, cols, rowPtr, colIdx, values, { validate: false });
    const plain = new CsrMatrix(rows, cols, rowPtr.slice(), colIdx.slice(), values);
    const xr = Float64Array.from({ length: rows }, (_, i) => (i % 11) - 5);
    const xc = Float64Array.from({ length: cols }, (_, j) => (j % 13) - 6);
    const Xr = new DenseMatrix(rows, 3, Float64Array.from({ length: rows * 3 }, (_, t) => (t % 7) - 3));
    const Xc = new DenseMatrix(cols, 41, Float64Array.from({ length: cols * 41 }, (_, t) => (t % 5) - 2));
    // Every result that comes back must be the one for the matrix as it was: the mutator leaves
    // either the original or an invalid structure, never another valid one.
    const cases: [string, (M: CsrMatrix) => Float64Array][] = [
      ['A^T x', (M) => M.matvec(xr, { transpose: true }) as Float64Array],
      ['A^T X', (M) => M.matmat(Xr, { transpose: true }).data as Float64Array],
      ['A x', (M) => M.matvec(xc) as Float64Array],
      ['A X (k = 41)', (M) => M.matmat(Xc).data as Float64Array],
      ['colSums', (M) => M.colSums() as Float64Array],
      ['rowSums', (M) => M.rowSums() as Float64Array],
      ['diagonal', (M) => M.diagonal() as Float64Array],
      ['normFrobenius', (M) => Float64Array.of(M.normFrobenius())],
    ];
    const expected = cases.map(([, op]) => op(plain));
    const wrong = new Set<string>();
    const { returned, refused } = await underMutation(
      breakAndRestore,
      { colIdx: colIdx.buffer, rowPtr: rowPtr.buffer, cols },
      600,
      cases.map(([name, op], c) => () => {
        const got = op(A);
        if (got.length !== expected[c].length || got.some((v, k) => v !== expected[c][k])) wrong.add(name);
      }),
    );
    expect([...wrong]).toEqual([]);
    expect(returned + refused).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });

  it('BSR products give the unchanged answer or raise FormatError while the block structure changes', async () => {
    setBackend('native');
    setThreads(2);
    const plain = CsrMatrix.random(6_000, 8_000, 0.002, { seed: 21 }).toBsr(2);
    const blockRowPtr = new Int32Array(new SharedArrayBuffer(4 * plain.blockRowPtr.length));
    const blockColIdx = new Int32Array(new SharedArrayBuffer(4 * plain.blockColIdx.length));
    blockRowPtr.set(plain.blockRowPtr);
    blockColIdx.set(plain.blockColIdx);
    const B = new BsrMatrix(plain.rows, plain.cols, plain.blockSize, blockRowPtr, blockColIdx, plain.values, { validate: false });
    const xc = Float64Array.from({ length: plain.cols }, (_, j) => (j % 13) - 6);
    const xr = Float64Array.from({ length: plain.rows }, (_, i) => (i % 11) - 5);
    const Xc = new DenseMatrix(plain.cols, 5, Float64Array.from({ length: plain.cols * 5 }, (_, t) => (t % 7) - 3));
    const cases: [string, (M: BsrMatrix) => Float64Array][] = [
      ['B x', (M) => M.matvec(xc) as Float64Array],
      ['B^T x', (M) => M.matvec(xr, { transpose: true }) as Float64Array],
      ['B X', (M) => M.matmat(Xc).data as Float64Array],
    ];
    const expected = cases.map(([, op]) => op(plain));
    const wrong = new Set<string>();
    const { refused } = await underMutation(
      breakAndRestore,
      { colIdx: blockColIdx.buffer, rowPtr: blockRowPtr.buffer, cols: plain.cols / 2 },
      400,
      cases.map(([name, op], c) => () => {
        const got = op(B);
        if (got.length !== expected[c].length || got.some((v, k) => v !== expected[c][k])) wrong.add(name);
      }),
    );
    expect([...wrong]).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});
