import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const loaded = loadNativeBackend();
const built = loaded.backend !== null;

// Runs in each worker: load the addon through node-gyp-build (as the library does), use it, report.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.nodeGypBuild)(workerData.root);
const A = { rows: 2, cols: 2, rowPtr: Int32Array.of(0, 1, 2), colIdx: Int32Array.of(0, 1), values: Float64Array.of(2, 3) };
const y = new Float64Array(2);
addon.spmv(A, Float64Array.of(1, 1), y, 1, 0, false);
parentPort.postMessage({ y: Array.from(y), simd: addon.info().simd });
`;

function runWorker(): Promise<{ y: number[]; simd: string }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, {
      eval: true,
      workerData: { root, nodeGypBuild: createRequire(import.meta.url).resolve('node-gyp-build') },
    });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

describe('native addon', () => {
  it.skipIf(!built)('loads and reports itself', () => {
    expect(loaded.error).toBeNull();
    expect(loaded.backend?.name).toBe('native');
    const info = loaded.info!;
    expect(typeof info.version).toBe('string');
    expect(info.simdSupported).toContain('scalar');
    expect(info.simdSupported).toContain(info.simd);
    expect(info.hardwareThreads).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!built)('loads in two worker_threads at once (context-aware)', async () => {
    const results = await Promise.all([runWorker(), runWorker()]);
    for (const r of results) {
      expect(r.y).toEqual([2, 3]);
      expect(r.simd).toBe(loaded.info!.simd);
    }
  });

  it.skipIf(!built)('maps addon errors to SparseError classes', () => {
    const A = { rows: 1, cols: 1, rowPtr: Int32Array.of(0, 1), colIdx: Int32Array.of(5), values: Float64Array.of(1) };
    expect(() => loaded.backend!.rowSums(A, new Float64Array(1))).toThrow(
      expect.objectContaining({ name: 'FormatError', code: 'ERR_SPARSE_FORMAT' }),
    );
  });
});
