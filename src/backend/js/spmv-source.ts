/**
 * Source of the JS SpMV kernel that computes four rows a step: y = alpha*A*x + beta*y over rows
 * [from, rows), with the contract of spmvRows in spmv.ts (its fallback where code cannot be
 * generated): each row's products summed in storage order into one accumulator, the same bits;
 * returns -1 when every row is done, a row i >= 0 whose sum is NaN (y[i] and the rows after it
 * not written), or -2 - i for a row whose end is below its start or beyond colIdx.
 *
 * V8 checks each typed array's map and reloads its length and data pointer once a loop iteration,
 * and on the 5-point Laplacian that per-row work is as long as the row's five products. Four rows
 * an iteration share it: one process, medians of 15, Zen 5: Laplacian f64 1.25x, f32 1.29x,
 * random 10 a row 1.08x, power-law 1.06x; two rows an iteration gave the Laplacian 1.14x. The
 * four row bodies are this file's one row body, generated four times. A step whose row pointers
 * are not in order, or reach past colIdx, leaves the rest to the one-row loop, which reports it.
 */

/** The products of entries [begin, end) summed in order into `sum` (declared here). */
function rowSum(sum: string, begin: string, end: string): string {
  const k = `${sum}k`;
  const left = `${sum}left`;
  const add = (t: number): string => `${sum} += values[${k} + ${t}] * x[colIdx[${k} + ${t}]];`;
  // Rows longer than eight run blocks of eight; the last 1-8 entries (all of a short row) run in
  // straight-line code picked by at most four compares on the length (spmv.ts has the figures).
  return `let ${sum} = 0;
    let ${k} = ${begin};
    if (${end} - ${k} > 8) {
      for (const end8 = ${end} - 7; ${k} < end8; ${k} += 8) {
        ${[0, 1, 2, 3, 4, 5, 6, 7].map(add).join(' ')}
      }
    }
    const ${left} = ${end} - ${k};
    if (${left} >= 4) {
      ${[0, 1, 2, 3].map(add).join(' ')}
      if (${left} >= 6) {
        ${add(4)} ${add(5)}
        if (${left} === 8) { ${add(6)} ${add(7)} } else if (${left} === 7) { ${add(6)} }
      } else if (${left} === 5) { ${add(4)} }
    } else if (${left} >= 2) {
      ${add(0)} ${add(1)}
      if (${left} === 3) { ${add(2)} }
    } else if (${left} === 1) { ${add(0)} }`;
}

/** y[row] from its sum, unless the sum is NaN: then the kernel returns the row. */
function store(sum: string, row: string): string {
  return `if (${sum} !== ${sum}) return ${row};
    y[${row}] = plain ? ${sum} : beta === 0 ? alpha * ${sum} : alpha * ${sum} + beta * y[${row}];`;
}

/** A function body returning the kernel; it needs only its parameters (see per-dtype.ts). */
export function spmvRowsSource(): string {
  return `return function spmvRows4(rowPtr, colIdx, values, x, y, rows, alpha, beta, from) {
  const limit = colIdx.length;
  const plain = alpha === 1 && beta === 0;
  let start = rowPtr[from];
  let i = from;
  for (; i + 3 < rows; i += 4) {
    const e0 = rowPtr[i + 1];
    const e1 = rowPtr[i + 2];
    const e2 = rowPtr[i + 3];
    const e3 = rowPtr[i + 4];
    if (e0 < start || e1 < e0 || e2 < e1 || e3 < e2 || e3 > limit) break;
    ${rowSum('s0', 'start', 'e0')}
    ${rowSum('s1', 'e0', 'e1')}
    ${rowSum('s2', 'e1', 'e2')}
    ${rowSum('s3', 'e2', 'e3')}
    ${store('s0', 'i')}
    ${store('s1', 'i + 1')}
    ${store('s2', 'i + 2')}
    ${store('s3', 'i + 3')}
    start = e3;
  }
  for (; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > limit) return -2 - i;
    ${rowSum('sum', 'start', 'end')}
    ${store('sum', 'i')}
    start = end;
  }
  return -1;
};`;
}
