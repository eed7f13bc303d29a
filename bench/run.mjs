// `npm run bench`: memory bandwidth of this machine (STREAM-like probe in the addon), then for each
// matrix and kernel the median time, GFLOP/s, effective GB/s (bytes formula per kernel, printed
// with the table) and the fraction of the measured read bandwidth, for the native backend at 1
// thread and at all threads and for the JS backend; `--peers` adds scipy, Eigen and GraphBLAS on
// the same matrices (bench/peers/). A plain node script over dist/ (SPARSE_LINALG_BENCH_DIST
// picks another build).
//
//   node bench/run.mjs [--quick] [--json] [--peers] [--matrix f.mtx]... [--only case,case]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { distPath, lib, loadAddon } from './dist.mjs';
import { cooWithDuplicates, laplacian2d, powerLaw, randomUniform } from './matrices.mjs';
import { nativeAvailable } from './native-available.mjs';
import { exportCoo, exportCsr, runPeers } from './peers/index.mjs';

const { CooBuilder, DenseMatrix, readMatrixMarket, runtimeInfo, setBackend } = lib;

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const options = (name) => args.flatMap((a, i) => (a === name && i + 1 < args.length ? [args[i + 1]] : []));
const quick = flag('--quick');
const json = flag('--json');
const peers = flag('--peers');
const only = options('--only').flatMap((s) => s.split(','));
const startedAt = performance.now();

const log = json ? () => {} : (...a) => console.log(...a);
const notes = [];
const note = (text) => {
  notes.push(text);
  log(`  note: ${text}`);
};

// ---------------------------------------------------------------------------------------------
// Timing: one warm-up call, then as many runs as fit the budget (within [minRuns, maxRuns]);
// the median is reported. The JS backend gets a smaller budget (fewer repetitions). The
// implementations of one kernel take turns (measureInterleaved).

// A call slower than `slowMs` (warm-up included) gets only `slowRuns` timed runs.
const BUDGET = quick
  ? { native: { ms: 100, min: 3, max: 15, slowMs: 1000, slowRuns: 2 }, js: { ms: 60, min: 3, max: 5, slowMs: 500, slowRuns: 1 } }
  : { native: { ms: 500, min: 3, max: 25, slowMs: 2000, slowRuns: 2 }, js: { ms: 300, min: 3, max: 7, slowMs: 1000, slowRuns: 1 } };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeOnce(fn) {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Timed runs after a first call that took `first` ms. */
function runsFor(first, budget) {
  return budget.slowMs !== undefined && first > budget.slowMs
    ? budget.slowRuns
    : Math.max(budget.min, Math.min(budget.max, Math.floor(budget.ms / Math.max(first, 1e-3))));
}

function measure(fn, budget) {
  const runs = runsFor(timeOnce(fn), budget);
  const times = [];
  for (let r = 0; r < runs; r++) times.push(timeOnce(fn));
  return { ms: median(times), runs };
}

/**
 * One kernel on every implementation, timed in rounds: each round runs each implementation once
 * (until it has its budget's runs), so a VM that slows down for a minute slows them all alike and
 * the ratios between them hold. Each gets its warm-up call first. Returns [{ im, ms, runs }] for
 * those that did not throw; onError(im, err) hears about the others.
 */
function measureInterleaved(fn, ims, onError) {
  const live = [];
  for (const im of ims) {
    try {
      live.push({ im, runs: runsFor(withImpl(im, () => timeOnce(fn)), BUDGET[im.backend]), times: [], failed: false });
    } catch (err) {
      onError(im, err);
    }
  }
  const pending = () => live.filter((s) => !s.failed && s.times.length < s.runs);
  for (let todo = pending(); todo.length > 0; todo = pending()) {
    for (const s of todo) {
      try {
        s.times.push(withImpl(s.im, () => timeOnce(fn)));
      } catch (err) {
        s.failed = true;
        onError(s.im, err);
      }
    }
  }
  return live.filter((s) => !s.failed).map((s) => ({ im: s.im, ms: median(s.times), runs: s.runs }));
}

// ---------------------------------------------------------------------------------------------
// Runtime: backends and thread counts

const hasNative = nativeAvailable();
const canSetThreads = typeof lib.setThreads === 'function';
const allThreads = os.availableParallelism();
const initialThreads = typeof lib.getThreads === 'function' ? lib.getThreads() : runtimeInfo().threads;
/** Thread counts the native backend is measured at. */
const threadCounts = !hasNative ? [] : canSetThreads ? (allThreads > 1 ? [1, allThreads] : [1]) : [initialThreads];
const nativeLabel = (t) => `native×${t}`;

function useThreads(t) {
  if (canSetThreads) lib.setThreads(t);
}

/** The implementations a kernel is timed on: every native thread count, then JS. */
function impls() {
  const list = threadCounts.map((t) => ({ impl: nativeLabel(t), backend: 'native', threads: t }));
  list.push({ impl: 'js', backend: 'js', threads: 1 });
  return list;
}

function withImpl(im, fn) {
  setBackend(im.backend);
  if (im.backend === 'native') useThreads(im.threads);
  try {
    return fn();
  } finally {
    setBackend('auto');
    useThreads(initialThreads);
  }
}

// ---------------------------------------------------------------------------------------------
// Memory bandwidth (STREAM-like read and triad in the addon, timed here)

function bandwidth() {
  const addon = hasNative ? loadAddon() : null;
  if (!addon) {
    note(hasNative ? 'the addon has no bandwidth probe (streamRead); %read omitted' : 'native backend unavailable: no bandwidth probe, %read omitted');
    return null;
  }
  const n = quick ? 1 << 23 : 1 << 25;
  const a = new Float64Array(n);
  const b = new Float64Array(n).fill(1);
  const c = new Float64Array(n).fill(2);
  const budget = { ms: quick ? 100 : 400, min: 5, max: 20 };
  const out = { arrayBytes: 8 * n, read: {}, triad: {} };
  for (const t of threadCounts) {
    useThreads(t);
    const r = measure(() => addon.streamRead(b), budget);
    const tr = measure(() => addon.streamTriad(a, b, c, 3), budget);
    out.read[t] = (8 * n) / r.ms / 1e6;
    out.triad[t] = (24 * n) / tr.ms / 1e6;
  }
  useThreads(initialThreads);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kernels: how to run each on a matrix, and the bytes and flops it is credited with

/** Bytes of CSR SpMV with value size V (f64 8, f32 4) and int32 indices. */
const spmvBytes = (A, V) => (V + 4) * A.nnz + (4 + V) * A.rows + V * A.cols;

export const FORMULAS = {
  spmv: 'f64 CSR y = A x: 12*nnz + 12*rows + 8*cols (values + colIdx, rowPtr + y, x)',
  'spmv-f32': 'f32: 8*nnz + 8*rows + 4*cols',
  spmvT: 'y = A^T x (f64): 12*nnz + 12*rows + 8*cols (A, x of length rows, y of length cols)',
  spmm: 'Y = A X, X dense row-major with k columns (f64): 12*nnz + 4*rows + 8*k*(rows + cols)',
  spgemm: 'C = A*A: no byte count; GFLOP/s = 2*flops / time (flops = multiply-adds), output nnz reported',
  transpose: 'A^T as CSR: 24*nnz + 4*(rows + cols) (read A, write A^T)',
  coo2csr: 'COO -> CSR (duplicates summed): 16*n + 12*nnzOut + 4*rows (read n triplets, write the CSR)',
  'bsr-spmv': 'BSR r x c y = A x (f64): (8*r*c + 4)*blocks + 4*blockRows + 8*(rows + cols)',
};

function fillX(n, k = 1) {
  const x = new Float64Array(n * k);
  for (let i = 0; i < x.length; i++) x[i] = 1 + (i % 7) * 0.125;
  return x;
}

/** Multiply-add count of A*B (sum over A's entries of the length of B's row). */
function spgemmFlops(A, B) {
  let f = 0;
  const { colIdx } = A;
  const bp = B.rowPtr;
  for (let k = 0; k < A.nnz; k++) f += bp[colIdx[k] + 1] - bp[colIdx[k]];
  return f;
}

/** Each entry: (matrix, cache) -> { run, bytes?, flops?, outNnz? () } or a string (skip note). */
const KERNELS = {
  spmv: (A) => {
    const x = fillX(A.cols);
    const y = new Float64Array(A.rows);
    return { label: 'spmv f64', run: () => A.matvec(x, { out: y }), bytes: spmvBytes(A, 8), flops: 2 * A.nnz };
  },
  'spmv-f32': (A, cache) => {
    const B = (cache.f32 ??= A.astype('f32'));
    const x = Float32Array.from(fillX(A.cols));
    const y = new Float32Array(A.rows);
    return { label: 'spmv f32', run: () => B.matvec(x, { out: y }), bytes: spmvBytes(A, 4), flops: 2 * A.nnz };
  },
  spmvT: (A) => {
    const x = fillX(A.rows);
    const y = new Float64Array(A.cols);
    return { label: 'spmvT f64', run: () => A.matvec(x, { out: y, transpose: true }), bytes: spmvBytes(A, 8), flops: 2 * A.nnz };
  },
  spmm8: (A) => spmm(A, 8),
  spmm32: (A) => spmm(A, 32),
  spgemm: (A) => {
    const flops = spgemmFlops(A, A);
    let outNnz = 0;
    return {
      label: 'spgemm A*A',
      run: () => {
        outNnz = A.multiply(A).nnz;
      },
      flops: 2 * flops,
      outNnz: () => outNnz,
    };
  },
  transpose: (A) => ({ label: 'transpose', run: () => A.transpose(), bytes: 24 * A.nnz + 4 * (A.rows + A.cols) }),
  'bsr-spmv': (A, cache) => {
    if (typeof A.toBsr !== 'function') return 'CsrMatrix.toBsr does not exist yet: BSR SpMV skipped';
    const [r, c] = cache.block ?? [4, 4];
    const B = (cache.bsr ??= A.toBsr(r, c));
    const blocks = B.nnzBlocks ?? B.blockColIdx?.length ?? Math.round(B.values.length / (r * c));
    const x = fillX(A.cols);
    const y = new Float64Array(A.rows);
    return {
      label: `bsr${r}x${c} spmv`,
      run: () => B.matvec(x, { out: y }),
      bytes: (8 * r * c + 4) * blocks + 4 * Math.ceil(A.rows / r) + 8 * (A.rows + A.cols),
      flops: 2 * A.nnz,
    };
  },
};

function spmm(A, k) {
  const X = new DenseMatrix(A.cols, k, fillX(A.cols, k));
  const Y = new DenseMatrix(A.rows, k);
  return { label: `spmm k=${k}`, run: () => A.matmat(X, { out: Y }), bytes: 12 * A.nnz + 4 * A.rows + 8 * k * (A.rows + A.cols), flops: 2 * A.nnz * k };
}

const MAIN = ['spmv', 'spmv-f32', 'spmvT', 'spmm8', 'spmm32', 'transpose'];

// ---------------------------------------------------------------------------------------------
// Cases

const S = quick
  ? { grid: 400, uni: 1e5, pl: 1e5, plMax: 2e4, el: 10, sgGrid: 300, sgUni: 2e4, coo: 1e6 }
  : { grid: 2000, uni: 2e6, pl: 2e6, plMax: 1e5, el: 40, sgGrid: 1000, sgUni: 2e5, coo: 2e7 };

async function loadBsrMatrices() {
  try {
    return await import('./matrices-bsr.mjs');
  } catch (err) {
    return { error: err };
  }
}

async function buildCases() {
  const bsr = await loadBsrMatrices();
  const cases = [
    { name: 'laplacian2d', what: `2D 5-point Laplacian, ${S.grid}x${S.grid} grid`, make: () => laplacian2d(S.grid), kernels: MAIN },
    { name: 'random-uniform', what: `random ${S.uni}x${S.uni}, 10 a row`, make: () => randomUniform(S.uni, S.uni, 10, 1), kernels: MAIN },
    { name: 'power-law', what: `power-law ${S.pl} rows, 16 a row on average, longest row ${S.plMax}`, make: () => powerLaw(S.pl, 16, S.plMax, 2), kernels: MAIN },
  ];
  if (typeof bsr.elasticity3d === 'function') {
    cases.push({
      name: 'elasticity3d',
      what: `3D elasticity-like, 4x4 blocks, elasticity3d(${S.el})`,
      make: () => bsr.elasticity3d(S.el),
      kernels: [...MAIN, 'bsr-spmv'],
      block: [4, 4],
    });
  } else {
    cases.push({ name: 'elasticity3d', skip: `bench/matrices-bsr.mjs (elasticity3d) is not there yet${bsr.error?.code === 'ERR_MODULE_NOT_FOUND' ? '' : `: ${bsr.error?.message ?? 'no elasticity3d export'}`}` });
  }
  cases.push(
    { name: 'spgemm-laplacian', what: `A*A, 2D Laplacian ${S.sgGrid}x${S.sgGrid} grid`, make: () => laplacian2d(S.sgGrid), kernels: ['spgemm'] },
    { name: 'spgemm-random', what: `A*A, random ${S.sgUni}x${S.sgUni}, 10 a row`, make: () => randomUniform(S.sgUni, S.sgUni, 10, 3), kernels: ['spgemm'] },
    { name: 'coo2csr', what: `COO -> CSR, ${S.coo} triplets with duplicates, unsorted`, coo: () => cooWithDuplicates(S.coo / 10, S.coo / 10, S.coo, 5), kernels: ['coo2csr'] },
  );
  for (const file of options('--matrix')) {
    cases.push({ name: file.split('/').pop(), what: file, make: () => readMatrixMarket(file).astype('f64'), kernels: MAIN });
  }
  return only.length ? cases.filter((c) => only.includes(c.name)) : cases;
}

// ---------------------------------------------------------------------------------------------
// Running and printing

const fmt = (v, d) => (v === undefined || v === null || !Number.isFinite(v) ? '' : v.toFixed(d));
const COLS = [
  ['kernel', 13, 'l'],
  ['impl', 9, 'l'],
  ['ms', 10],
  ['GFLOP/s', 8],
  ['GB/s', 7],
  ['%read', 6],
  ['vs nat×1', 8],
  ['runs', 4],
  ['', 0, 'l'],
];
const row = (cells) =>
  COLS.map(([, w, align], i) => (align === 'l' ? String(cells[i] ?? '').padEnd(w) : String(cells[i] ?? '').padStart(w))).join('  ').trimEnd();

function runKernel(caseInfo, A, id, cache, bw) {
  const made = KERNELS[id](A, cache);
  if (typeof made === 'string') {
    note(`${caseInfo.name}: ${made}`);
    return [];
  }
  const out = [];
  const timed = measureInterleaved(made.run, impls(), (im, err) => note(`${caseInfo.name} ${made.label} on ${im.impl} failed: ${err.message}`));
  for (const { im, ms, runs } of timed) {
    const m = { ms, runs };
    const read = bw?.read[im.threads];
    const r = {
      case: caseInfo.name,
      kernel: id,
      label: made.label,
      impl: im.impl,
      backend: im.backend,
      threads: im.threads,
      rows: A.rows,
      cols: A.cols,
      nnz: A.nnz,
      ms: m.ms,
      runs: m.runs,
      gflops: made.flops ? made.flops / m.ms / 1e6 : null,
      bytes: made.bytes ?? null,
      gbs: made.bytes ? made.bytes / m.ms / 1e6 : null,
      fractionOfRead: made.bytes && read ? made.bytes / m.ms / 1e6 / read : null,
      outNnz: made.outNnz ? made.outNnz() : undefined,
    };
    out.push(r);
  }
  const base = out.find((r) => r.impl === nativeLabel(threadCounts[0]));
  for (const r of out) {
    r.speedupVsNative1 = base ? base.ms / r.ms : null;
    log(row([r.label, r.impl, fmt(r.ms, 3), fmt(r.gflops, 2), fmt(r.gbs, 2), r.fractionOfRead === null ? '' : `${(100 * r.fractionOfRead).toFixed(0)}%`, fmt(r.speedupVsNative1, 2), r.runs, r.outNnz !== undefined ? `nnz(C) = ${r.outNnz}` : '']));
  }
  return out;
}

function runCoo(caseInfo, bw) {
  const { rows, cols, rowIdx, colIdx, values } = caseInfo.coo();
  const builder = new CooBuilder(rows, cols, { capacity: rowIdx.length });
  builder.addMany(rowIdx, colIdx, values);
  let outNnz = 0;
  const fake = { rows, cols, nnz: rowIdx.length };
  const made = {
    label: 'coo->csr',
    run: () => {
      outNnz = builder.toCsr().nnz;
    },
  };
  caseInfo.cooArrays = { rows, cols, rowIdx, colIdx, values };
  const out = [];
  const timed = measureInterleaved(made.run, impls(), (im, err) => note(`${caseInfo.name} ${made.label} on ${im.impl} failed: ${err.message}`));
  for (const { im, ms, runs } of timed) {
    const m = { ms, runs };
    const bytes = 16 * rowIdx.length + 12 * outNnz + 4 * rows;
    const read = bw?.read[im.threads];
    out.push({ case: caseInfo.name, kernel: 'coo2csr', label: made.label, impl: im.impl, backend: im.backend, threads: im.threads, ...fake, ms: m.ms, runs: m.runs, gflops: null, bytes, gbs: bytes / m.ms / 1e6, fractionOfRead: read ? bytes / m.ms / 1e6 / read : null, outNnz });
  }
  const base = out.find((r) => r.impl === nativeLabel(threadCounts[0]));
  for (const r of out) {
    r.speedupVsNative1 = base ? base.ms / r.ms : null;
    log(row([r.label, r.impl, fmt(r.ms, 3), '', fmt(r.gbs, 2), r.fractionOfRead === null ? '' : `${(100 * r.fractionOfRead).toFixed(0)}%`, fmt(r.speedupVsNative1, 2), r.runs, `nnz out = ${r.outNnz}`]));
  }
  return out;
}

async function main() {
  const info = runtimeInfo();
  const header = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: allThreads,
    node: process.version,
    dist: distPath,
    quick,
    backend: info.backend,
    simd: info.simd,
    version: info.version,
    threads: threadCounts.length ? threadCounts : [1],
    setThreads: canSetThreads,
    ...(info.loadError ? { loadError: info.loadError } : {}),
  };
  log(`sparse-linalg ${info.version} | backend ${info.backend} | simd ${info.simd} | threads measured: ${threadCounts.join(', ') || 'js only'}${canSetThreads ? '' : ' (no setThreads in this build: native runs at its default)'}`);
  log(`${header.cpu} (${header.cores} cores), Node ${process.version}${quick ? ' | --quick' : ''}${info.loadError ? ` | addon: ${info.loadError.split('\n')[0]}` : ''}`);

  const bw = hasNative ? bandwidth() : null;
  if (bw) {
    const per = (o) => threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''} ${o[t].toFixed(1)} GB/s`).join(', ');
    log(`Memory bandwidth (addon, ${bw.arrayBytes / 2 ** 20} MiB arrays, median): read ${per(bw.read)}; triad a=b+s*c (24 bytes/element) ${per(bw.triad)}`);
  }
  log('\nBytes credited per kernel (int32 indices; GB/s = bytes / median time; %read = GB/s / read bandwidth at the same thread count):');
  for (const [k, f] of Object.entries(FORMULAS)) log(`  ${k.padEnd(10)} ${f}`);
  log('GFLOP/s counts 2 flops per stored entry (spmm: per entry and column). vs nat×1 = native 1-thread time / this time.');
  log('ms = median of `runs` timed calls after one warm-up call (native×t: the addon at t threads; js: the TypeScript backend).');

  const cases = await buildCases();
  const results = [];
  const exported = [];
  for (const c of cases) {
    if (c.skip) {
      log(`\n== ${c.name}: skipped`);
      note(`${c.name}: ${c.skip}`);
      continue;
    }
    if (c.coo) {
      log(`\n== ${c.name}: ${c.what}`);
      log(row(COLS.map(([h]) => h)));
      results.push(...runCoo(c, bw));
      if (peers) exported.push({ name: c.name, kernels: c.kernels, coo: exportCoo(c.name, c.cooArrays) });
      delete c.cooArrays;
      continue;
    }
    const t0 = performance.now();
    let A;
    try {
      A = c.make();
    } catch (err) {
      note(`${c.name}: could not build the matrix: ${err.message}`);
      continue;
    }
    const maxRow = longestRow(A);
    log(`\n== ${c.name}: ${c.what} | ${A.rows} x ${A.cols}, nnz ${A.nnz}, longest row ${maxRow} (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    log(row(COLS.map(([h]) => h)));
    const cache = { block: c.block };
    let kernels = c.kernels;
    if (A.rows !== A.cols) kernels = kernels.filter((k) => k !== 'spgemm');
    const caseResults = [];
    for (const k of kernels) caseResults.push(...runKernel(c, A, k, cache, bw));
    results.push(...caseResults);
    summarize(c.name, caseResults);
    if (peers) exported.push({ name: c.name, kernels: kernels.filter((k) => k !== 'bsr-spmv'), matrix: exportCsr(c.name, A) });
  }

  let peerReport = null;
  if (peers) {
    log(`\n== peers (our part took ${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
    peerReport = await runPeers({ cases: exported, threads: allThreads, quick, log: json ? () => {} : (s) => log(`  ${s}`) });
    for (const n of peerReport.notes) note(n);
    comparePeers(peerReport, results);
  }

  if (json) {
    console.log(JSON.stringify({ ...header, bandwidth: bw, formulas: FORMULAS, results, peers: peerReport, notes, seconds: (performance.now() - startedAt) / 1000 }, null, 2));
  } else {
    log(`\nTotal ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
  }
}

function longestRow(A) {
  let m = 0;
  for (let i = 0; i < A.rows; i++) m = Math.max(m, A.rowPtr[i + 1] - A.rowPtr[i]);
  return m;
}

/** One line of headline ratios per case: f32 vs f64, BSR vs CSR, JS vs native 1 thread. */
function summarize(name, rs) {
  const get = (kernel, impl) => rs.find((r) => r.kernel === kernel && r.impl === impl);
  const parts = [];
  const top = nativeLabel(threadCounts[threadCounts.length - 1]);
  const one = nativeLabel(threadCounts[0]);
  const f64 = get('spmv', top);
  const f32 = get('spmv-f32', top);
  if (f64 && f32) parts.push(`spmv f32 is ${(f64.ms / f32.ms).toFixed(2)}x f64 speed (${top})`);
  const bsr = get('bsr-spmv', top);
  if (f64 && bsr) parts.push(`BSR spmv is ${(f64.ms / bsr.ms).toFixed(2)}x CSR speed (${top})`);
  const js = get('spmv', 'js');
  const nat1 = get('spmv', one);
  if (js && nat1) parts.push(`JS spmv is ${(nat1.ms / js.ms).toFixed(2)}x native 1-thread speed`);
  const spmm8 = get('spmm8', one);
  if (spmm8 && nat1) parts.push(`spmm k=8 costs ${(spmm8.ms / nat1.ms).toFixed(1)}x spmv (${one})`);
  if (parts.length) log(`  ${name}: ${parts.join('; ')}`);
}

/** ours / peer time per case and kernel (< 1: ours is faster). */
function comparePeers(report, results) {
  const ours = (c, k, t) => results.find((r) => r.case === c && r.kernel === k && r.impl === nativeLabel(t));
  const one = threadCounts[0];
  const top = threadCounts[threadCounts.length - 1];
  if (!report.results.length) return;
  const caseOrder = [...new Set(results.map((r) => r.case))];
  const kernelOrder = Object.keys(KERNELS);
  const peerOrder = ['scipy', 'eigen', 'graphblas'];
  report.results.sort(
    (a, b) =>
      caseOrder.indexOf(a.case) - caseOrder.indexOf(b.case) ||
      kernelOrder.indexOf(a.kernel) - kernelOrder.indexOf(b.kernel) ||
      peerOrder.indexOf(a.peer) - peerOrder.indexOf(b.peer) ||
      a.threads - b.threads,
  );
  // A ratio at the peer's own thread count; a peer that ran a kernel at one thread only (scipy,
  // Eigen's serial kernels) is also compared with ours at all threads.
  const onlySerial = (p) => !report.results.some((q) => q.peer === p.peer && q.case === p.case && q.kernel === p.kernel && q.threads > 1);
  log(
    top === one
      ? `\nours / peer time (< 1: ours faster); ours×${one} = native at ${one} thread; peer GB/s with the same byte formulas as ours`
      : `\nours / peer time (< 1: ours faster); ours×${one}, ours×${top} = native at ${one}, ${top} threads, each against the peer at the same thread count (and single-threaded peers against both); peer GB/s with the same byte formulas as ours`,
  );
  const cols = [
    ['case', 16, 'l'],
    ['kernel', 10, 'l'],
    ['peer', 14, 'l'],
    ['peer ms', 10],
    ['peer GB/s', 9],
    [`ours×${one}/peer`, 13],
    [top === one ? '' : `ours×${top}/peer`, top === one ? 0 : 13],
    ['', 0, 'l'],
  ];
  const line = (cells) => cols.map(([, w, a], i) => (a === 'l' ? String(cells[i] ?? '').padEnd(w) : String(cells[i] ?? '').padStart(w))).join('  ').trimEnd();
  log(line(cols.map(([h]) => h)));
  for (const p of report.results) {
    const o1 = ours(p.case, p.kernel, one);
    const oN = ours(p.case, p.kernel, top);
    const ref = o1 ?? oN;
    let bytes = ref?.bytes ?? null;
    if (p.kernel === 'coo2csr' && ref && p.outNnz !== undefined) bytes = ref.bytes - 12 * ref.outNnz + 12 * p.outNnz;
    p.gbs = bytes ? bytes / p.ms / 1e6 : null;
    p.oursOverPeer = { [one]: o1 ? o1.ms / p.ms : null, [top]: oN ? oN.ms / p.ms : null };
    const extra = p.outNnz !== undefined && ref?.outNnz !== undefined && p.outNnz !== ref.outNnz ? `nnz out ${p.outNnz} (ours ${ref.outNnz})` : '';
    const show1 = p.threads === one;
    const showN = top !== one && (p.threads === top || onlySerial(p));
    log(line([p.case, p.kernel, `${p.peer}×${p.threads}`, fmt(p.ms, 3), fmt(p.gbs, 2), show1 ? fmt(p.oursOverPeer[one], 2) : '', showN ? fmt(p.oursOverPeer[top], 2) : '', extra]));
  }
}

await main();
