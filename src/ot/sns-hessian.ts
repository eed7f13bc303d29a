import type { Backend, OtCost } from '../backend/types.js';
import { CsrMatrix } from '../formats/csr.js';

const HIST_BLOCK = 1 << 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The sparsified Newton matrix (without the 1/eps factor) and its diagonal. */
export interface SparseHessian {
  H: CsrMatrix;
  diag: Float64Array;
  /** Entries of P kept. */
  kept: number;
}

/**
 * The binary exponent threshold of the mass rule: keep every entry of P whose exponent is at least
 * the returned value, drop the rest; the dropped entries hold at most massDrop * sum(P). Entries are
 * binned by their IEEE exponent (one shift per entry, no log), so the kept set is the minimal one
 * plus at most the entries of one binade (within a factor 2 of the cut), and it depends only on the
 * values: equal values are kept or dropped together, whatever the order or thread timing.
 */
function exponentCut(hi: Uint32Array, off: number, P: Float64Array, len: number, massDrop: number): number {
  // Summed per block of HIST_BLOCK entries, the blocks added in order: the native build
  // (ot_hessian.hpp) sums the blocks in parallel and must reach the same bits.
  const hist = new Float64Array(2048);
  const block = new Float64Array(2048);
  let total = 0;
  for (let b0 = 0; b0 < len; b0 += HIST_BLOCK) {
    block.fill(0);
    let blockTotal = 0;
    const b1 = Math.min(len, b0 + HIST_BLOCK);
    for (let k = b0; k < b1; k++) {
      const p = P[k];
      block[hi[2 * k + off] >>> 20] += p;
      blockTotal += p;
    }
    for (let e = 0; e < 2048; e++) hist[e] += block[e];
    total += blockTotal;
  }
  const budget = massDrop * total;
  let cum = 0;
  let e = 0;
  for (; e < 2048; e++) {
    if (cum + hist[e] > budget) break;
    cum += hist[e];
  }
  return e;
}

/**
 * H = [[diag(r), S], [S^T, diag(c)]] with S = P restricted to the kept set (the Hessian of the
 * dual is -H/eps). CSR of size n+m with sorted columns: row i holds (i, i) then (i, n+j) for kept
 * j; row n+j holds (n+j, i) for kept i then (n+j, n+j). O(n*m) integer work, no dense (n+m)^2.
 */
export function sparsifiedHessian(C: OtCost, P: Float64Array, r: Float64Array, c: Float64Array, massDrop: number, be?: Backend): SparseHessian {
  const n = C.rows;
  const m = C.cols;
  if (C.kind === 'dense' && be?.otSparsify) {
    // The native build of the same matrix (native/kernels/ot_hessian.hpp): same cut, same structure.
    const h = be.otSparsify(n, m, P, r, c, massDrop);
    const diag = new Float64Array(n + m);
    diag.set(r, 0);
    diag.set(c, n);
    return { H: new CsrMatrix(n + m, n + m, h.rowPtr, h.colIdx, h.values, { validate: false }), diag, kept: h.kept };
  }
  const len = C.kind === 'dense' ? n * m : C.rowPtr[n];
  const hi = new Uint32Array(P.buffer, P.byteOffset, 2 * len);
  const off = LITTLE_ENDIAN ? 1 : 0;
  const cut = exponentCut(hi, off, P, len, massDrop);

  const rowCnt = new Int32Array(n);
  const colCnt = new Int32Array(m);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const start = C.kind === 'dense' ? i * m : C.rowPtr[i];
    const end = C.kind === 'dense' ? start + m : C.rowPtr[i + 1];
    let cnt = 0;
    for (let k = start; k < end; k++) {
      if (hi[2 * k + off] >>> 20 >= cut) {
        cnt++;
        colCnt[C.kind === 'dense' ? k - start : C.colIdx[k]]++;
      }
    }
    rowCnt[i] = cnt;
    kept += cnt;
  }

  const N = n + m;
  const rowPtr = new Int32Array(N + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + 1 + rowCnt[i];
  for (let j = 0; j < m; j++) rowPtr[n + j + 1] = rowPtr[n + j] + 1 + colCnt[j];
  const nnz = rowPtr[N];
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const cursor = new Int32Array(m);
  for (let j = 0; j < m; j++) cursor[j] = rowPtr[n + j];
  for (let i = 0; i < n; i++) {
    let pos = rowPtr[i];
    colIdx[pos] = i;
    values[pos++] = r[i];
    const start = C.kind === 'dense' ? i * m : C.rowPtr[i];
    const end = C.kind === 'dense' ? start + m : C.rowPtr[i + 1];
    for (let k = start; k < end; k++) {
      if (hi[2 * k + off] >>> 20 >= cut) {
        const j = C.kind === 'dense' ? k - start : C.colIdx[k];
        const p = P[k];
        colIdx[pos] = n + j;
        values[pos++] = p;
        const q = cursor[j]++;
        colIdx[q] = i;
        values[q] = p;
      }
    }
  }
  for (let j = 0; j < m; j++) {
    colIdx[cursor[j]] = n + j;
    values[cursor[j]] = c[j];
  }
  const diag = new Float64Array(N);
  diag.set(r, 0);
  diag.set(c, n);
  return { H: new CsrMatrix(N, N, rowPtr, colIdx, values, { validate: false }), diag, kept };
}
