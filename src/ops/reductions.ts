import { activeBackend } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { type Values } from '../types.js';
import { checkCsr } from './common.js';
import { zerosValues } from '../memory.js';

export function rowSums(A: CsrMatrix): Values {
  checkCsr(A, 'A');
  const out = zerosValues(A.dtype, A.rows);
  activeBackend().rowSums(A, out);
  return out;
}

export function colSums(A: CsrMatrix): Values {
  checkCsr(A, 'A');
  const out = zerosValues(A.dtype, A.cols);
  activeBackend().colSums(A, out);
  return out;
}

/** The main diagonal, length min(rows, cols). */
export function diagonal(A: CsrMatrix): Values {
  checkCsr(A, 'A');
  const out = zerosValues(A.dtype, Math.min(A.rows, A.cols));
  activeBackend().diagonal(A, out);
  return out;
}

export function normFrobenius(A: CsrMatrix): number {
  checkCsr(A, 'A');
  return activeBackend().normFrobenius(A);
}
