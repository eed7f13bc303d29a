// The transposed products and the reductions validate A and then scatter into y (or Y, or the
// sums) by its row bounds and column indices. Arrays on a SharedArrayBuffer can change between the
// check and that pass from another thread: the call must then either return or raise a typed
// error, never read or write out of place (run under ASan to see it). The pass re-checks every row
// bound and column as it uses it.
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { CsrMatrix, DenseMatrix, getThreads, setThreads } from '../../src/index.js';
import { breakAndRestore, underMutation } from '../helpers/mutation.js';

describe.skipIf(!nativeAvailable())('transposed products and reductions under concurrent mutation', () => {
  const initialThreads = nativeAvailable() ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    setBackend('auto');
  });

  it('return or raise FormatError while another thread rewrites the row pointer and the columns', async () => {
    setBackend('native');
    setThreads(2);
    const rows = 20_000;
    const cols = 30_000;
    const perRow = 10;
    const nnz = rows * perRow;
    const rowPtr = new Int32Array(new SharedArrayBuffer(4 * (rows + 1)));
    const colIdx = new Int32Array(new SharedArrayBuffer(4 * nnz));
    for (let i = 0; i <= rows; i++) rowPtr[i] = i * perRow;
    for (let k = 0; k < nnz; k++) colIdx[k] = (k * 7919) % cols;
    const A = new CsrMatrix(rows, cols, rowPtr, colIdx, new Float64Array(nnz).fill(0.5), { validate: false });
    const x = new Float64Array(rows).fill(1);
    const X = new DenseMatrix(rows, 4, new Float64Array(rows * 4).fill(1));
    const { returned, refused } = await underMutation(breakAndRestore, { colIdx: colIdx.buffer, rowPtr: rowPtr.buffer, cols }, 400, [
      () => A.matvec(x, { transpose: true }),
      () => A.matmat(X, { transpose: true }),
      () => A.colSums(),
      () => A.rowSums(),
      () => A.diagonal(),
    ]);
    expect(returned + refused).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });
});
