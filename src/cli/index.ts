#!/usr/bin/env node
// The `sparse-linalg` command: info, build (the addon from source), convert, bench (a quick SpMV).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CsrMatrix, readMatrixMarket, runtimeInfo, writeMatrixMarket } from '../index.js';

const usage = `usage: sparse-linalg <command>
  info                      backend, SIMD level, threads, version
  build                     compile the native addon from source (needs python3, make, a C++17 compiler)
  convert <in> <out>        Matrix Market to Matrix Market (.gz by suffix), canonical CSR order
  bench [rows] [perRow]     quick SpMV timing on a random matrix`;

function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
  return dir;
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'info':
      console.log(JSON.stringify(runtimeInfo(), null, 2));
      return 0;
    case 'build': {
      const r = spawnSync(process.execPath, [path.join(packageRoot(), 'scripts', 'build-native.mjs'), '--strict'], { stdio: 'inherit' });
      return r.status ?? 1;
    }
    case 'convert': {
      if (rest.length !== 2) break;
      writeMatrixMarket(rest[1], readMatrixMarket(rest[0]));
      return 0;
    }
    case 'bench': {
      const rows = Number(rest[0] ?? 1_000_000);
      const perRow = Number(rest[1] ?? 10);
      const A = CsrMatrix.random(rows, rows, perRow / rows, { seed: 1 });
      const x = new Float64Array(rows).fill(1);
      const y = new Float64Array(rows);
      const times: number[] = [];
      for (let r = 0; r < 21; r++) {
        const t0 = performance.now();
        A.matvec(x, { out: y });
        times.push(performance.now() - t0);
      }
      const ms = times.sort((a, b) => a - b)[10];
      const gbs = (12 * A.nnz + 12 * rows + 8 * rows) / ms / 1e6;
      console.log(`${runtimeInfo().backend}: SpMV ${rows}x${rows}, nnz ${A.nnz}: ${ms.toFixed(3)} ms, ${((2 * A.nnz) / ms / 1e6).toFixed(2)} GFLOP/s, ${gbs.toFixed(2)} GB/s`);
      return 0;
    }
  }
  console.error(usage);
  return cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`sparse-linalg: ${(err as Error).message}`);
  process.exitCode = 1;
}
