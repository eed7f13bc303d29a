// `npm run bench`: SpMV throughput of both backends on generated matrices (and any --matrix file).
// Bytes moved per f64 CSR SpMV = 12*nnz (value + column index) + 12*rows (row pointer + y) + 8*cols (x);
// for f32: 8*nnz + 8*rows + 4*cols. GFLOP/s counts 2 flops per stored entry.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { readMatrixMarket, runtimeInfo, setBackend } from '../dist/index.js';
import { nativeAvailable } from './native-available.mjs';
import { laplacian2d, powerLaw, randomUniform } from './matrices.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = flag('--quick');
const json = flag('--json');
const scale = quick ? 0.1 : 1;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(fn, minTimeMs = quick ? 100 : 400, minRuns = 5) {
  fn();
  const times = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minTimeMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    if (times.length >= 200) break;
  }
  return median(times);
}

function spmvCase(name, A) {
  const results = [];
  for (const dtype of ['f64', 'f32']) {
    const M = dtype === 'f64' ? A : A.astype('f32');
    const x = (dtype === 'f64' ? new Float64Array(M.cols) : new Float32Array(M.cols)).fill(1);
    const y = dtype === 'f64' ? new Float64Array(M.rows) : new Float32Array(M.rows);
    const bytes = dtype === 'f64' ? 12 * M.nnz + 12 * M.rows + 8 * M.cols : 8 * M.nnz + 8 * M.rows + 4 * M.cols;
    for (const backend of nativeAvailable() ? ['native', 'js'] : ['js']) {
      setBackend(backend);
      const ms = timeIt(() => M.matvec(x, { out: y }));
      results.push({ case: name, kernel: 'spmv', dtype, backend, rows: M.rows, cols: M.cols, nnz: M.nnz, ms, gflops: (2 * M.nnz) / ms / 1e6, gbs: bytes / ms / 1e6 });
    }
  }
  setBackend('auto');
  return results;
}

const cases = [
  ['laplacian2d', () => laplacian2d(Math.round(1000 * Math.sqrt(scale)))],
  ['random-uniform', () => randomUniform(Math.round(1e6 * scale), Math.round(1e6 * scale), 10, 1)],
  ['power-law', () => powerLaw(Math.round(1e6 * scale), 16, Math.round(1e4 * Math.sqrt(scale)), 2)],
];
const file = option('--matrix');
if (file) cases.push([file.split('/').pop(), () => readMatrixMarket(file)]);

const info = runtimeInfo();
const header = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), node: process.version, ...info };
if (!json) {
  console.log(`sparse-linalg ${info.version} | backend ${info.backend} | simd ${info.simd} | threads ${info.threads}`);
  console.log(`${header.cpu} (${header.cores} cores), Node ${process.version}${info.loadError ? ` | addon: ${info.loadError.split('\n')[0]}` : ''}`);
  console.log('SpMV y = A x; GB/s counts 12*nnz + 12*rows + 8*cols bytes (f64), 8*nnz + 8*rows + 4*cols (f32); median of repeated runs\n');
  console.log(['case'.padEnd(16), 'dtype', 'backend', 'rows'.padStart(9), 'nnz'.padStart(10), 'ms'.padStart(9), 'GFLOP/s'.padStart(8), 'GB/s'.padStart(7), 'js/native'.padStart(9)].join('  '));
}
const all = [];
for (const [name, make] of cases) {
  const A = make();
  const rows = spmvCase(name, A);
  all.push(...rows);
  if (!json) {
    for (const r of rows) {
      const nat = rows.find((o) => o.dtype === r.dtype && o.backend === 'native');
      const ratio = r.backend === 'js' && nat ? (nat.ms / r.ms).toFixed(2) : '';
      console.log([r.case.padEnd(16), r.dtype.padEnd(5), r.backend.padEnd(7), String(r.rows).padStart(9), String(r.nnz).padStart(10), r.ms.toFixed(3).padStart(9), r.gflops.toFixed(2).padStart(8), r.gbs.toFixed(2).padStart(7), ratio.padStart(9)].join('  '));
    }
  }
}
if (json) console.log(JSON.stringify({ ...header, results: all }, null, 2));
