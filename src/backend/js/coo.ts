import { FormatError } from '../../errors.js';
import { allocValues, dtypeOf, type Values } from '../../types.js';
import type { CsrParts } from '../types.js';

/**
 * Canonical CSR from coordinates in O(nnz + rows + cols): a stable counting sort by row, then per
 * row duplicates are summed in insertion order (first assigned, then added) and columns sorted.
 */
export function cooToCsr(rows: number, cols: number, ri: Int32Array, ci: Int32Array, vals: Values): CsrParts {
  const n = ri.length;
  if (ci.length !== n || vals.length !== n) {
    throw new FormatError(`coordinate arrays differ in length (${ri.length}, ${ci.length}, ${vals.length})`);
  }
  const count = new Int32Array(rows + 1);
  for (let t = 0; t < n; t++) {
    const i = ri[t];
    const j = ci[t];
    if (i >>> 0 >= rows) throw new FormatError(`row index ${i} at entry ${t} is out of range [0, ${rows})`);
    if (j >>> 0 >= cols) throw new FormatError(`column index ${j} at entry ${t} is out of range [0, ${cols})`);
    count[i + 1]++;
  }
  for (let i = 0; i < rows; i++) count[i + 1] += count[i];
  const next = count.slice(0, rows);
  const bucketCol = new Int32Array(n);
  const bucketVal = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const dst = next[ri[t]]++;
    bucketCol[dst] = ci[t];
    bucketVal[dst] = vals[t];
  }

  // Compact each row in place (the write position never passes the read position).
  const marker = new Int32Array(cols).fill(-1);
  const acc = new Float64Array(cols);
  const rowPtr = new Int32Array(rows + 1);
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const start = w;
    for (let t = count[i]; t < count[i + 1]; t++) {
      const j = bucketCol[t];
      if (marker[j] !== i) {
        marker[j] = i;
        bucketCol[w++] = j;
        acc[j] = bucketVal[t];
      } else {
        acc[j] += bucketVal[t];
      }
    }
    bucketCol.subarray(start, w).sort();
    for (let t = start; t < w; t++) bucketVal[t] = acc[bucketCol[t]];
    rowPtr[i + 1] = w;
  }
  const values = allocValues(dtypeOf(vals), w);
  values.set(bucketVal.subarray(0, w));
  return { rowPtr, colIdx: bucketCol.slice(0, w), values };
}
