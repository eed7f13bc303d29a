import type { Backend, OtCost, OtHessianBuffers } from '../backend/types.js';
import { CsrMatrix } from '../formats/csr.js';
import { zerosF64, zerosI32 } from '../memory.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The sparsified Newton matrix (without the 1/eps factor) and its diagonal. */
export interface SparseHessian {
  H: CsrMatrix;
  diag: Float64Array;
  /** Entries of P kept. */
  kept: number;
}

/** 2^(max(e, 1) - 1043) for every bin e, built from bits (exact, subnormals included). */
const BIN_SCALE = (() => {
  const scale = new Float64Array(2048);
  const words = new Uint32Array(scale.buffer);
  const off = LITTLE_ENDIAN ? 1 : 0;
  for (let e = 0; e < 2048; e++) {
    const k = Math.max(e, 1) - 1043; // 2^k, k in [-1042, 1004]
    if (k >= -1022) words[2 * e + off] = (k + 1023) << 20;
    else words[2 * e + off] = 1 << (k + 1042); // subnormal: significand bit k + 1074, in the high word
  }
  return scale;
})();

const FLOOR_WORDS = new Uint32Array(2);
const FLOOR_VALUE = new Float64Array(FLOOR_WORDS.buffer);

/**
 * The floor of the mass rule (ot_hessian_bins.hpp, bit for bit): F = massDrop * sum(r) / len *
 * 2^-40 (r: P's row sums, summed in index order) and its exponent bin. Every entry below the bin
 * is below F, so all of them hold less than len * F, 2^-40 of the budget: they are dropped
 * uncounted, and the histogram counts only the few percent of a converging plan above them. 0
 * (count everything) when F is not a positive finite number.
 */
function massFloorBin(r: Float64Array, n: number, massDrop: number, len: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += r[i];
  const floor = ((massDrop * total) / len) * 2 ** -40;
  if (!(floor > 0) || !Number.isFinite(floor)) return 0;
  FLOOR_VALUE[0] = floor;
  return FLOOR_WORDS[LITTLE_ENDIAN ? 1 : 0] >>> 20;
}

/**
 * The binary exponent threshold of the mass rule: keep every entry of P whose exponent is at least
 * the returned value, drop the rest; the dropped entries hold at most massDrop * sum(P) (to 2^-40
 * relative, the floor below). Entries are binned by their IEEE exponent (one shift per entry, no
 * log), so the kept set is the minimal one plus at most the entries of one binade (within a factor
 * 2 of the cut), and it depends only on the values: equal values are kept or dropped together,
 * whatever the order or thread timing. Each entry weighs its 21 leading significand bits as an
 * integer (its value to 2^-20 relative, scaled by the bin's power of two), so the bins' sums are
 * exact in any order: the native build (ot_hessian.hpp) sums in parallel parts and reaches the
 * same bits. Bins below `floorBin` are dropped without being counted (massFloorBin).
 */
function exponentCut(hi: Uint32Array, off: number, len: number, massDrop: number, floorBin: number): number {
  const units = new Float64Array(2048);
  for (let k = 0; k < len; k++) {
    const h = hi[2 * k + off];
    const e = h >>> 20;
    // A negative entry (never produced) lands past the bins and is always kept.
    if (e >= floorBin && e < 2048) units[e] += (h & 0xfffff) + (e !== 0 ? 0x100000 : 0);
  }
  let total = 0;
  for (let e = 0; e < 2048; e++) {
    units[e] *= BIN_SCALE[e];
    total += units[e];
  }
  const budget = massDrop * total;
  let cum = 0;
  let e = 0;
  for (; e < 2048; e++) {
    if (cum + units[e] > budget) break;
    cum += units[e];
  }
  return e;
}

/**
 * Buffers for sparsifiedHessian, reused across the Newton steps of one solve (`entries`: P's
 * length, n*m or the CSR cost's nnz). They start with room for a kept share of 1/16 (the bench
 * problems keep 3-10% at n = 1000) and double when short.
 */
export function hessianBuffers(n: number, m: number, entries: number): OtHessianBuffers {
  const capacity = n + m + 2 * Math.ceil(entries / 16);
  return { rowPtr: new Int32Array(n + m + 1), colIdx: zerosI32(capacity), values: zerosF64(capacity) };
}

/** Makes room for nnz entries, with headroom: the kept set grows as the error falls. */
function reserve(buf: OtHessianBuffers, nnz: number): void {
  if (buf.colIdx.length >= nnz && buf.values.length >= nnz) return;
  // H never holds more than 2^31 - 1 entries (the native build refuses more), so neither does the headroom.
  const capacity = Math.max(nnz, Math.min(2 ** 31 - 1, Math.max(2 * buf.colIdx.length, Math.ceil(nnz * 1.5))));
  buf.colIdx = zerosI32(capacity);
  buf.values = zerosF64(capacity);
}

/**
 * H = [[diag(r), S], [S^T, diag(c)]] with S = P restricted to the kept set (the Hessian of the
 * dual is -H/eps). CSR of size n+m with sorted columns: row i holds (i, i) then (i, n+j) for kept
 * j; row n+j holds (n+j, i) for kept i then (n+j, n+j). O(n*m) integer work, no dense (n+m)^2.
 * H's arrays are views of `buf` (valid until its next use).
 */
export function sparsifiedHessian(
  C: OtCost,
  P: Float64Array,
  r: Float64Array,
  c: Float64Array,
  massDrop: number,
  be?: Backend,
  buf: OtHessianBuffers = hessianBuffers(C.rows, C.cols, P.length),
): SparseHessian {
  const n = C.rows;
  const m = C.cols;
  const N = n + m;
  const diag = new Float64Array(N);
  diag.set(r, 0);
  diag.set(c, n);
  const view = (nnz: number): SparseHessian => ({
    H: new CsrMatrix(N, N, buf.rowPtr, buf.colIdx.subarray(0, nnz), buf.values.subarray(0, nnz), { validate: false }),
    diag,
    kept: (nnz - N) / 2,
  });
  if (be?.otSparsify) {
    // The native build of the same matrix (native/kernels/ot_hessian.hpp): same cut, same structure.
    let nnz = be.otSparsify(C, P, r, c, massDrop, buf);
    if (nnz > buf.colIdx.length || nnz > buf.values.length) {
      reserve(buf, nnz);
      nnz = be.otSparsify(C, P, r, c, massDrop, buf);
    }
    return view(nnz);
  }
  const len = C.kind === 'dense' ? n * m : C.rowPtr[n];
  const hi = new Uint32Array(P.buffer, P.byteOffset, 2 * len);
  const off = LITTLE_ENDIAN ? 1 : 0;
  const cut = exponentCut(hi, off, len, massDrop, massFloorBin(r, n, massDrop, len));

  const rowCnt = new Int32Array(n);
  const colCnt = new Int32Array(m);
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
  }

  const rowPtr = buf.rowPtr;
  rowPtr[0] = 0;
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + 1 + rowCnt[i];
  for (let j = 0; j < m; j++) rowPtr[n + j + 1] = rowPtr[n + j] + 1 + colCnt[j];
  const nnz = rowPtr[N];
  reserve(buf, nnz);
  const colIdx = buf.colIdx;
  const values = buf.values;
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
  return view(nnz);
}
