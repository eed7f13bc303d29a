import { SparseError } from '../../errors.js';
import { allocValues, dtypeOf, MAX_INDEX } from '../../types.js';
import type { CsrArrays, CsrParts } from '../types.js';
import { validateCsr } from './validate.js';

/**
 * C = A*B, Gustavson's row-by-row product with a dense marker and accumulator over B's columns.
 * Symbolic pass sizes C exactly; numeric pass sums a_ik*b_kj in A's then B's storage order (the
 * first term is assigned, later terms added), then each row's columns are sorted.
 */
export function spgemmCsr(A: CsrArrays, B: CsrArrays): CsrParts {
  validateCsr(A);
  validateCsr(B);
  return spgemmRowRange(A, B, 0, A.rows, newSpgemmWorkspace(B.cols), 0);
}

/** Scratch of spgemmRowRange over B's columns; reusable across consecutive row ranges of one product. */
export interface SpgemmWorkspace {
  marker: Int32Array;
  acc: Float64Array;
}

export function newSpgemmWorkspace(cols: number): SpgemmWorkspace {
  return { marker: new Int32Array(cols).fill(-1), acc: new Float64Array(cols) };
}

/**
 * Rows [r0, r1) of A*B for validated A and B (A.cols === B.rows), with a row pointer relative to
 * the range (rowPtr[0] = 0). `before` is the number of nonzeros of C in earlier ranges (for the
 * size limit). The row-block async form (src/backend/js/async.ts) calls this range by range with
 * one workspace: marker tags are row indices (symbolic pass) and -2 - row (numeric pass), so no
 * reset is needed between passes or ranges.
 */
export function spgemmRowRange(A: CsrArrays, B: CsrArrays, r0: number, r1: number, ws: SpgemmWorkspace, before: number): CsrParts {
  const { rowPtr: ap, colIdx: aj, values: av } = A;
  const { rowPtr: bp, colIdx: bj, values: bv } = B;
  const { marker, acc } = ws;

  const rowPtr = new Int32Array(r1 - r0 + 1);
  let nnz = 0;
  for (let i = r0; i < r1; i++) {
    for (let e = ap[i]; e < ap[i + 1]; e++) {
      const k = aj[e];
      for (let f = bp[k]; f < bp[k + 1]; f++) {
        const j = bj[f];
        if (marker[j] !== i) {
          marker[j] = i;
          nnz++;
        }
      }
    }
    if (before + nnz > MAX_INDEX) throw new SparseError(`the product has more than ${MAX_INDEX} nonzeros`, 'ERR_SPARSE_TOO_LARGE');
    rowPtr[i + 1 - r0] = nnz;
  }

  const colIdx = new Int32Array(nnz);
  const values = allocValues(dtypeOf(av), nnz);
  for (let i = r0; i < r1; i++) {
    const tag = -2 - i;
    const start = rowPtr[i - r0];
    let w = start;
    for (let e = ap[i]; e < ap[i + 1]; e++) {
      const k = aj[e];
      const a = av[e];
      for (let f = bp[k]; f < bp[k + 1]; f++) {
        const j = bj[f];
        if (marker[j] !== tag) {
          marker[j] = tag;
          colIdx[w++] = j;
          acc[j] = a * bv[f];
        } else {
          acc[j] += a * bv[f];
        }
      }
    }
    const row = colIdx.subarray(start, w);
    row.sort();
    for (let t = start; t < w; t++) values[t] = acc[colIdx[t]];
  }
  return { rowPtr, colIdx, values };
}
