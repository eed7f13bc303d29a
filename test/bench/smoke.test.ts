// Smoke test of the benchmark harness: `node bench/run.mjs --quick --json` on a few small cases
// runs and prints JSON with the expected keys. It times nothing and asserts no speed (performance
// is measured by `npm run bench`, never asserted in tests). Skipped when the bench's dist build
// (dist/, or SPARSE_LINALG_BENCH_DIST) is missing, and in the JS project (it would only repeat).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = process.env.SPARSE_LINALG_BENCH_DIST ?? path.join(root, 'dist', 'index.js');
const distFile = dist.endsWith('.js') ? dist : path.join(dist, 'index.js');

describe.skipIf(!existsSync(distFile) || process.env.SPARSE_LINALG_BACKEND === 'js')('bench/run.mjs --quick --json', () => {
  it('prints the header, bandwidth, formulas and one result per kernel and implementation', () => {
    const stdout = execFileSync(process.execPath, [path.join(root, 'bench', 'run.mjs'), '--quick', '--json', '--only', 'laplacian2d,spgemm-laplacian,coo2csr'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      env: { ...process.env, SPARSE_LINALG_BACKEND: 'auto' },
    });
    const out = JSON.parse(stdout) as {
      cpu: string;
      cores: number;
      simd: string;
      threads: number[];
      bandwidth: { read: Record<string, number>; triad: Record<string, number> } | null;
      formulas: Record<string, string>;
      results: { case: string; kernel: string; impl: string; ms: number; gbs: number | null }[];
      notes: string[];
      peers: unknown;
    };
    for (const key of ['cpu', 'cores', 'simd', 'threads', 'bandwidth', 'formulas', 'results', 'notes', 'peers']) expect(out).toHaveProperty(key);
    expect(Object.keys(out.formulas)).toEqual(expect.arrayContaining(['spmv', 'spmv-f32', 'spmvT', 'spmm', 'spgemm', 'transpose', 'coo2csr']));
    const kernels = new Set(out.results.map((r) => `${r.case}/${r.kernel}`));
    for (const k of ['laplacian2d/spmv', 'laplacian2d/spmv-f32', 'laplacian2d/spmvT', 'laplacian2d/spmm8', 'laplacian2d/spmm32', 'laplacian2d/transpose', 'spgemm-laplacian/spgemm', 'coo2csr/coo2csr']) {
      expect(kernels.has(k)).toBe(true);
    }
    expect(out.results.some((r) => r.impl === 'js')).toBe(true);
    for (const r of out.results) expect(r.ms).toBeGreaterThan(0);
    if (out.results.some((r) => r.impl.startsWith('native'))) expect(out.bandwidth?.read['1']).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(distFile) || process.env.SPARSE_LINALG_BACKEND === 'js')('bench/ot.mjs --solve-only --json', () => {
  it('solves every convergence case --repeat times and reports medians of the runs', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ot-bench-'));
    const out = path.join(dir, 'ot.json');
    try {
      execFileSync(process.execPath, [path.join(root, 'bench', 'ot.mjs'), '--solve-only', '--sizes', '64', '--cap', '2000', '--repeat', '2', '--json', out], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, SPARSE_LINALG_BACKEND: 'auto' },
      });
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        solve: { name: string; n: number; sns: { ms: number; runs: number[]; converged: boolean }; log: { ms: number; runs: number[] } }[];
      };
      expect(report.solve.map((r) => r.name)).toEqual(['points-sqeuclid-64', 'points-l1-64', 'random-64', 'density2d-64']);
      for (const r of report.solve) {
        expect(r.n).toBe(64);
        expect(r.sns.converged).toBe(true);
        expect(r.sns.runs).toHaveLength(2);
        expect(r.log.runs).toHaveLength(2);
        expect(r.sns.ms).toBe([...r.sns.runs].sort((a, b) => a - b)[1]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
