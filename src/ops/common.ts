import { ShapeError } from '../errors.js';
import type { CsrMatrix } from '../formats/csr.js';
import type { Values } from '../types.js';
import { checkNumber } from '../util/check.js';

export function checkCsr(A: unknown, name: string): asserts A is CsrMatrix {
  // Duck-typed on purpose: the ESM and CJS builds each define the class, and a matrix made by one
  // must work with the other. Structure was validated when the matrix was built.
  const m = A as CsrMatrix | null;
  if (m === null || typeof m !== 'object' || !(m.rowPtr instanceof Int32Array) || !(m.colIdx instanceof Int32Array) || typeof m.rows !== 'number') {
    throw new TypeError(`${name} must be a CsrMatrix`);
  }
}

export function optionalNumber(value: unknown, name: string, fallback: number): number {
  return value === undefined ? fallback : checkNumber(value, name);
}

export function sameShape(A: CsrMatrix, B: CsrMatrix, what: string): void {
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new ShapeError(`${what}: shapes ${A.rows}x${A.cols} and ${B.rows}x${B.cols} differ`);
  }
}

/** Two operands of different dtypes meet in f64 (the f32 one is widened, as numpy does). */
export function commonDtype(A: CsrMatrix, B: CsrMatrix): [CsrMatrix, CsrMatrix] {
  if (A.dtype === B.dtype) return [A, B];
  return [A.dtype === 'f64' ? A : A.astype('f64'), B.dtype === 'f64' ? B : B.astype('f64')];
}

/** True when two typed arrays share memory, so an `out` would overwrite an input while it is read. */
export function overlaps(a: Values, b: Values): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
