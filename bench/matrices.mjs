// Generated benchmark matrices, built straight into canonical CSR arrays (sorted, unique columns).
import { lib } from './dist.mjs';

const { CsrMatrix } = lib;

/** xorshift32: a cheap reproducible stream for generators (not the library's Rng, to stay fast here). */
function xorshift(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function fromArrays(rows, cols, rowPtr, colIdx, values) {
  return CsrMatrix.fromArrays({ rows, cols, rowPtr, colIdx, values }, { copy: false, validate: false });
}

/** 5-point Laplacian on an n x n grid: n^2 rows, about 5 entries a row. */
export function laplacian2d(n) {
  const rows = n * n;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(5 * rows);
  const values = new Float64Array(5 * rows);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = i * n + j;
      const put = (c, v) => {
        colIdx[k] = c;
        values[k++] = v;
      };
      if (i > 0) put(r - n, -1);
      if (j > 0) put(r - 1, -1);
      put(r, 4);
      if (j < n - 1) put(r + 1, -1);
      if (i < n - 1) put(r + n, -1);
      rowPtr[r + 1] = k;
    }
  }
  return fromArrays(rows, rows, rowPtr, colIdx.slice(0, k), values.slice(0, k));
}

/** Sorted, de-duplicated row of `len` columns drawn from `draw`. */
function fillRow(colIdx, at, len, draw) {
  const row = colIdx.subarray(at, at + len);
  for (let t = 0; t < len; t++) row[t] = draw();
  row.sort();
  let w = 0;
  for (let t = 0; t < len; t++) if (t === 0 || row[t] !== row[t - 1]) row[w++] = row[t];
  return w;
}

function build(rows, cols, lengths, draw, seed) {
  const rnd = xorshift(seed ^ 0x9e3779b9);
  let total = 0;
  for (let i = 0; i < rows; i++) total += lengths[i];
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    k += fillRow(colIdx, k, lengths[i], draw);
    rowPtr[i + 1] = k;
  }
  const values = new Float64Array(k);
  for (let t = 0; t < k; t++) values[t] = rnd() - 0.5;
  return fromArrays(rows, cols, rowPtr, colIdx.slice(0, k), values);
}

/** Uniform random columns, `perRow` a row. */
export function randomUniform(rows, cols, perRow, seed = 1) {
  const rnd = xorshift(seed);
  return build(rows, cols, new Int32Array(rows).fill(perRow), () => Math.floor(rnd() * cols), seed);
}

/**
 * Power-law row lengths (Zipf-like over rows, exponent about 1) scaled to `avg` a row, with the
 * longest row capped at `maxRow`; columns drawn with the same skew, so a few columns are hot.
 */
export function powerLaw(rows, avg, maxRow, seed = 2) {
  const rnd = xorshift(seed);
  const lengths = new Int32Array(rows);
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const u = rnd();
    lengths[i] = Math.min(maxRow, Math.max(1, Math.floor(1 / Math.max(u, 1e-9) ** 0.9)));
    sum += lengths[i];
  }
  const f = (avg * rows) / sum;
  for (let i = 0; i < rows; i++) lengths[i] = Math.min(maxRow, Math.max(1, Math.round(lengths[i] * f)));
  lengths[Math.floor(rnd() * rows)] = maxRow;
  return build(rows, rows, lengths, () => Math.min(rows - 1, Math.floor(rows * rnd() ** 2)), seed);
}

/**
 * `n` COO triplets in random order over a rows x cols matrix, drawn from n/2 distinct positions
 * (5 a row when n = 10*rows), so most positions appear about twice: the duplicate-summing path
 * of COO -> CSR. Plain arrays, not a matrix.
 */
export function cooWithDuplicates(rows, cols, n, seed = 5) {
  const rnd = xorshift(seed);
  const distinct = Math.max(1, Math.floor(n / 2));
  const rowIdx = new Int32Array(n);
  const colIdx = new Int32Array(n);
  const values = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const k = Math.floor(rnd() * distinct);
    rowIdx[t] = k % rows;
    colIdx[t] = (Math.imul(k, 2654435761) >>> 0) % cols;
    values[t] = rnd() - 0.5;
  }
  return { rows, cols, rowIdx, colIdx, values };
}
