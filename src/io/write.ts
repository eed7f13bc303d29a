import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { FormatError, ShapeError } from '../errors.js';
import { validateCsr } from '../backend/js/validate.js';
import { CsrMatrix } from '../formats/csr.js';

export type WriteField = 'real' | 'integer' | 'pattern';
export type WriteSymmetry = 'general' | 'symmetric' | 'skew-symmetric';

export interface WriteOptions {
  /** 'real' (default) writes every value; 'integer' checks that they are integers; 'pattern' writes no values. */
  field?: WriteField;
  /**
   * 'general' (default) writes every stored entry. 'symmetric' / 'skew-symmetric' check that A is
   * square (else ShapeError) and that A[j,i] equals A[i,j] (resp. -A[i,j]; a missing entry counts
   * as 0, NaN equals NaN; for 'pattern' the structure must be symmetric) (else FormatError), then
   * write the lower triangle (with the diagonal for 'symmetric'; without it for 'skew-symmetric',
   * whose diagonal must be 0).
   */
  symmetry?: WriteSymmetry;
  /** Written after the banner, each line prefixed with '%'. */
  comment?: string;
}

/** Characters per piece handed to the sink (and per gzip member in a .gz file). */
const PIECE_CHARS = 1 << 20;

interface Plan {
  field: WriteField;
  symmetry: WriteSymmetry;
  comment: string | undefined;
  count: number;
}

/**
 * A value as text that reads back to the same double: ECMAScript's shortest round-trip
 * `Number.prototype.toString` (an f32 value is written as the double it widens to), with `-0`,
 * `inf`, `-inf` and `nan` spelled out.
 */
export function formatReal(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (v !== v) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** An integral double as plain digits (no exponent, even beyond 1e21). */
export function formatInteger(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Position of column j in row i, or -1. */
function find(A: CsrMatrix, i: number, j: number): number {
  const colIdx = A.colIdx;
  let lo = A.rowPtr[i];
  let hi = A.rowPtr[i + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = colIdx[mid];
    if (c === j) return mid;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function plan(A: CsrMatrix, options: WriteOptions): Plan {
  if (!(A instanceof CsrMatrix)) throw new TypeError('expected a CsrMatrix');
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const field = options.field ?? 'real';
  const symmetry = options.symmetry ?? 'general';
  if (field !== 'real' && field !== 'integer' && field !== 'pattern') {
    throw new TypeError(`field must be 'real', 'integer' or 'pattern', got ${String(field)}`);
  }
  if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric') {
    throw new TypeError(`symmetry must be 'general', 'symmetric' or 'skew-symmetric', got ${String(symmetry)}`);
  }
  if (options.comment !== undefined && typeof options.comment !== 'string') throw new TypeError('comment must be a string');
  if (field === 'pattern' && symmetry === 'skew-symmetric') {
    throw new FormatError(`'pattern skew-symmetric' is not a valid Matrix Market type`);
  }
  // Arrays written since construction must not send the loops below astray (a row end of -2^31
  // would run for billions of steps): the structure's first error, as any kernel reports it.
  validateCsr(A);
  const { rows, rowPtr, colIdx, values } = A;
  if (field === 'integer') {
    for (let t = 0; t < A.nnz; t++) {
      if (!Number.isInteger(values[t])) {
        let i = 0;
        while (rowPtr[i + 1] <= t) i++;
        throw new FormatError(`field 'integer': the value at (${i}, ${colIdx[t]}) is ${values[t]}, not an integer`);
      }
    }
  }
  let count = A.nnz;
  if (symmetry !== 'general') {
    if (A.rows !== A.cols) throw new ShapeError(`a ${symmetry} matrix must be square, got ${A.rows}x${A.cols}`);
    const skew = symmetry === 'skew-symmetric';
    const pattern = field === 'pattern';
    count = 0;
    for (let i = 0; i < rows; i++) {
      for (let t = rowPtr[i]; t < rowPtr[i + 1]; t++) {
        const j = colIdx[t];
        const v = values[t];
        if (j === i) {
          if (skew) {
            if (v !== 0) throw new FormatError(`the matrix is not skew-symmetric: the diagonal entry (${i}, ${i}) is ${v}`);
          } else {
            count++;
          }
          continue;
        }
        if (j < i) count++;
        const u = find(A, j, i);
        if (pattern) {
          if (u < 0) throw new FormatError(`the pattern is not symmetric: (${i}, ${j}) is stored but (${j}, ${i}) is not`);
          continue;
        }
        const w = u < 0 ? 0 : values[u];
        if (!same(v, skew ? -w : w)) {
          throw new FormatError(`the matrix is not ${symmetry}: A[${i}, ${j}] = ${v} but A[${j}, ${i}] = ${w}`);
        }
      }
    }
  }
  return { field, symmetry, comment: options.comment, count };
}

/** Emits the file as pieces of about PIECE_CHARS characters. */
function emit(A: CsrMatrix, p: Plan, sink: (piece: string) => void): void {
  let out = `%%MatrixMarket matrix coordinate ${p.field} ${p.symmetry}\n`;
  if (p.comment !== undefined) {
    for (const line of p.comment.split(/\r?\n/)) out += line.length > 0 ? `% ${line}\n` : '%\n';
  }
  out += `${A.rows} ${A.cols} ${p.count}\n`;
  const { rows, rowPtr, colIdx, values } = A;
  const pattern = p.field === 'pattern';
  const fmt = p.field === 'integer' ? formatInteger : formatReal;
  const lower = p.symmetry !== 'general';
  const strict = p.symmetry === 'skew-symmetric';
  for (let i = 0; i < rows; i++) {
    const r = `${i + 1} `;
    for (let t = rowPtr[i]; t < rowPtr[i + 1]; t++) {
      const j = colIdx[t];
      if (lower && (j > i || (strict && j === i))) continue;
      out += pattern ? `${r}${j + 1}\n` : `${r}${j + 1} ${fmt(values[t])}\n`;
    }
    if (out.length >= PIECE_CHARS) {
      sink(out);
      out = '';
    }
  }
  if (out.length > 0) sink(out);
}

/** The matrix as Matrix Market coordinate text (see WriteOptions). */
export function formatMatrixMarket(A: CsrMatrix, options: WriteOptions = {}): string {
  const pieces: string[] = [];
  emit(A, plan(A, options), (s) => pieces.push(s));
  return pieces.join('');
}

/**
 * Writes the matrix to `path` synchronously, a piece of about 1 MiB at a time (never the whole text
 * at once). A path ending in `.gz` is written gzip-compressed: each piece is one gzip member, which
 * RFC 1952 allows and every gunzip (zlib, gzip, Python, this reader) reads as one stream; Node has
 * no public synchronous streaming deflate. The matrix is checked before the file is opened.
 */
export function writeMatrixMarket(path: string, A: CsrMatrix, options: WriteOptions = {}): void {
  if (typeof path !== 'string') throw new TypeError('writeMatrixMarket expects a file path (string)');
  const p = plan(A, options);
  const gz = path.toLowerCase().endsWith('.gz');
  const fd = openSync(path, 'w');
  try {
    emit(A, p, (s) => {
      if (gz) {
        const bytes = gzipSync(s);
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      } else {
        writeSync(fd, s);
      }
    });
  } finally {
    closeSync(fd);
  }
}
