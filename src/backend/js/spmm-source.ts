/**
 * Source of the blocked SpMM kernels: Y = alpha*A*X + beta*Y for a validated A, X and Y dense
 * row-major with k columns. Each kernel serves the k with k % 8 === tail: per row, blocks of 8
 * columns, then one block of `tail` columns, each block's sums in named locals (registers, where
 * an accumulator array costs a load and a store per product). Every output entry is still the
 * row's products summed in storage order with a separate multiply and add, then alpha*sum
 * (+ beta*y): the generic kernel's and the native scalar kernel's bits.
 *
 * On large matrices the gather of X's rows is a cache miss per entry, and a JS loop of ~40
 * instructions an entry keeps few of those misses in flight. So X's rows are touched ahead (a
 * load of each cache line, summed into a value the kernel returns so the loads stay) in short
 * loops whose misses overlap: for short rows, the next ~64 entries before a row runs; inside a
 * long row, the next chunk of the row's entries before each chunk (1.5-2x at k = 8 on a
 * 500k-row random matrix). Whether to touch is the caller's call (spmm.ts: X's rows that a run
 * of rows reads must not fit in the cache).
 */

/** Entries touched ahead, and the chunk of a long row. */
const DEFAULT_AHEAD = 32;

const range = (n: number): number[] => Array.from({ length: n }, (_, c) => c);

/** The products of entries [from, to) into the block's sums. */
function sums(width: number, column: string, from: string, to: string): string {
  const add = range(width)
    .map((c) => `s${c} += a * X[xo + ${c}];`)
    .join(' ');
  return `for (let e = ${from}; e < ${to}; e++) { const a = values[e]; const xo = colIdx[e] * k + ${column}; ${add} }`;
}

/** Columns [column, column + width) of row i; `long` touches ahead chunk by chunk. */
function block(width: number, column: string, long: boolean, AHEAD: number): string {
  if (width === 0) return '';
  const w = range(width);
  const put = w.map((c) => `Y[yo + ${c}] = alpha * s${c};`).join(' ');
  const update = w.map((c) => `Y[yo + ${c}] = alpha * s${c} + beta * Y[yo + ${c}];`).join(' ');
  const loop = long
    ? `for (let from = start; from < end; ) {
          const to = from + ${AHEAD} < end ? from + ${AHEAD} : end;
          const next = !touch ? to : to + ${AHEAD} < end ? to + ${AHEAD} : end;
          for (let t = to; t < next; t++) { const xt = colIdx[t] * k + ${column}; sink += X[xt] + X[xt + ${width - 1}]; }
          ${sums(width, column, 'from', 'to')}
          from = to;
        }`
    : sums(width, column, 'start', 'end');
  return `{
        let ${w.map((c) => `s${c} = 0`).join(', ')};
        ${loop}
        const yo = i * k + ${column};
        if (beta === 0) { ${put} } else { ${update} }
      }`;
}

/**
 * `line` is X's elements per 64-byte cache line; `touch` false skips the touching (it costs ~20%
 * where X's rows come from the cache anyway). The kernel needs only its parameters, so it can be
 * compiled once per value type (see per-dtype.ts); it returns the touch sum (meaningless). Needs
 * k >= 1.
 */
export function spmmBlockedSource(tail: number, AHEAD = DEFAULT_AHEAD): string {
  const LONG = 2 * AHEAD;
  return `return function spmmBlocked${tail}(rowPtr, colIdx, values, X, k, Y, rows, alpha, beta, line, touch) {
  const last = rowPtr[rows];
  const main = k - ${tail};
  let touched = rowPtr[0];
  let sink = 0;
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end - start <= ${LONG}) {
      if (touch && end + ${AHEAD} > touched) {
        const stop = end + ${2 * AHEAD} < last ? end + ${2 * AHEAD} : last;
        if (k <= line) {
          for (let t = touched > start ? touched : start; t < stop; t++) { const xt = colIdx[t] * k; sink += X[xt] + X[xt + k - 1]; }
        } else {
          for (let t = touched > start ? touched : start; t < stop; t++) {
            const xt = colIdx[t] * k;
            for (let o = 0; o < k; o += line) sink += X[xt + o];
            sink += X[xt + k - 1];
          }
        }
        touched = stop;
      }
      for (let c0 = 0; c0 < main; c0 += 8) ${block(8, 'c0', false, AHEAD)}
      ${block(tail, 'main', false, AHEAD)}
    } else {
      for (let c0 = 0; c0 < main; c0 += 8) ${block(8, 'c0', true, AHEAD)}
      ${block(tail, 'main', true, AHEAD)}
    }
    start = end;
  }
  return sink;
};`;
}
