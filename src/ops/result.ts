import type { CsrParts } from '../backend/types.js';
import { CsrMatrix } from '../formats/csr.js';

/** Wraps a kernel's output; kernels produce canonical structures, so no second validation. */
export function csrFromParts(rows: number, cols: number, parts: CsrParts): CsrMatrix {
  return new CsrMatrix(rows, cols, parts.rowPtr, parts.colIdx, parts.values, { validate: false });
}
