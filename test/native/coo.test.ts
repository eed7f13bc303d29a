// COO -> CSR (native/kernels/coo_to_csr.hpp) against the JS twin, bit for bit, at every SIMD
// level and 1-3 threads: each row's entries are sorted by a stable sort (on AVX-512 a rank sort
// for rows of at most 16 entries; insertion and merge sorts), so duplicates are summed in
// insertion order. The values make that order visible: 1e16 + 1 - 1e16 is 0, 1e16 - 1e16 + 1 is 1.
import { afterAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { getThreads, setThreads } from '../../src/index.js';
import { mulberry32 as rng } from '../helpers/backends.js';

const load = loadNativeBackend();
const native = load.backend;
const control = load.control;
const levels = control ? control.info().simdSupported : [];
const defaultLevel = control?.info().simd;

/** Row i holds lengths[i % lengths.length] entries over a few columns, in a shuffled order. */
function triplets(rows: number, cols: number, lengths: number[], seed: number, dtype: 'f64' | 'f32') {
  const r = rng(seed);
  const ri: number[] = [];
  const ci: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < rows; i++) {
    const len = lengths[i % lengths.length];
    const span = 1 + Math.floor(r() * Math.min(cols, len)); // few distinct columns: many duplicates
    for (let t = 0; t < len; t++) {
      ri.push(i);
      ci.push(Math.floor(r() * span) * Math.max(1, Math.floor(cols / span)) % cols);
      vs.push([1e16, 1, -1e16, 0.5, -0.25, 3e-17][Math.floor(r() * 6)]);
    }
  }
  // Rows interleaved (the counting sort by row must keep each row's insertion order).
  const order = ri.map((_, t) => t).sort((a, b) => (ri[a] % 7) - (ri[b] % 7) || a - b);
  const values = dtype === 'f32' ? Float32Array.from(order, (t) => vs[t]) : Float64Array.from(order, (t) => vs[t]);
  return { ri: Int32Array.from(order, (t) => ri[t]), ci: Int32Array.from(order, (t) => ci[t]), values };
}

describe.skipIf(!native)('native COO -> CSR: stable, bit for bit the JS twin', () => {
  const initialThreads = native ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    if (defaultLevel) control?.setSimd(defaultLevel);
  });

  it.each(['f64', 'f32'] as const)('rows of 0..40 entries with duplicates, every level, 1-3 threads (%s)', (dtype) => {
    const lengths = Array.from({ length: 41 }, (_, t) => t);
    const cases = [triplets(3000, 50, lengths, 1, dtype), triplets(2000, 1000000, [15, 16, 17, 1, 2, 33], 2, dtype)];
    for (const [k, c] of cases.entries()) {
      const rows = k === 0 ? 3000 : 2000;
      const cols = k === 0 ? 50 : 1000000;
      const js = jsBackend.cooToCsr(rows, cols, c.ri, c.ci, c.values);
      for (const level of levels) {
        control!.setSimd(level);
        for (const threads of [1, 2, 3]) {
          setThreads(threads);
          const nat = native!.cooToCsr(rows, cols, c.ri, c.ci, c.values);
          const at = `${level}, ${threads} threads, case ${k}`;
          expect(Buffer.from(nat.rowPtr.buffer, nat.rowPtr.byteOffset, nat.rowPtr.byteLength).equals(Buffer.from(js.rowPtr.buffer, js.rowPtr.byteOffset, js.rowPtr.byteLength)), at).toBe(true);
          expect(Buffer.from(nat.colIdx.buffer, nat.colIdx.byteOffset, nat.colIdx.byteLength).equals(Buffer.from(js.colIdx.buffer, js.colIdx.byteOffset, js.colIdx.byteLength)), at).toBe(true);
          expect(Buffer.from(nat.values.buffer, nat.values.byteOffset, nat.values.byteLength).equals(Buffer.from(js.values.buffer, js.values.byteOffset, js.values.byteLength)), at).toBe(true);
        }
      }
    }
  });
});
