// Peers for `npm run bench --peers`: scipy.sparse (/usr/bin/python3), Eigen (compiled on demand)
// and SuiteSparse:GraphBLAS (compiled on demand, -lgraphblas). None is required: a missing or
// failing peer becomes a one-line note. Every peer reads the same matrices, exported once per run
// as raw little-endian files (int32 rowPtr, int32 colIdx, f64 values, or int32 rowIdx/colIdx + f64
// values for COO triplets) with a small JSON header, into os.tmpdir()/sparse-linalg-bench; a job
// file lists the cases and kernels; each peer prints
//   { peer, version, results: [{ case, kernel, threads, ms, runs, outNnz? }], notes: [] }
// on stdout.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const cacheDir = process.env.SPARSE_LINALG_BENCH_CACHE ?? path.join(os.tmpdir(), 'sparse-linalg-bench');

function ensureCache() {
  mkdirSync(cacheDir, { recursive: true });
}

function writeArray(file, array) {
  writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

const safe = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/** Writes A (f64 CSR) for the peers; returns the header's path. */
export function exportCsr(name, A) {
  ensureCache();
  const base = path.join(cacheDir, safe(name));
  const values = A.values instanceof Float64Array ? A.values : Float64Array.from(A.values);
  writeArray(`${base}.rowptr.i32`, A.rowPtr);
  writeArray(`${base}.colidx.i32`, A.colIdx);
  writeArray(`${base}.values.f64`, values);
  const header = { format: 'csr', rows: A.rows, cols: A.cols, nnz: A.nnz, rowPtr: `${base}.rowptr.i32`, colIdx: `${base}.colidx.i32`, values: `${base}.values.f64` };
  writeFileSync(`${base}.json`, JSON.stringify(header));
  return `${base}.json`;
}

/** Writes COO triplets for the peers; returns the header's path. */
export function exportCoo(name, { rows, cols, rowIdx, colIdx, values }) {
  ensureCache();
  const base = path.join(cacheDir, safe(name));
  writeArray(`${base}.rowidx.i32`, rowIdx);
  writeArray(`${base}.colidx.i32`, colIdx);
  writeArray(`${base}.values.f64`, values);
  const header = { format: 'coo', rows, cols, n: rowIdx.length, rowIdx: `${base}.rowidx.i32`, colIdx: `${base}.colidx.i32`, values: `${base}.values.f64` };
  writeFileSync(`${base}.json`, JSON.stringify(header));
  return `${base}.json`;
}

function firstLine(text) {
  return (
    String(text ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(-1)[0] ?? ''
  ).slice(0, 200);
}

function run(cmd, argv, timeoutMs, env = {}) {
  const res = spawnSync(cmd, argv, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  if (res.error) return { ok: false, why: res.error.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : res.error.message };
  if (res.status !== 0) return { ok: false, why: `exit ${res.status ?? res.signal}: ${firstLine(res.stderr) || firstLine(res.stdout)}` };
  return { ok: true, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Compiles bench/peers/<source> into the cache dir once per source text and compiler flags
 * (the binary's name carries their hash). Returns { exe } or { why }.
 */
function compile(source, compiler, flags, log) {
  const file = path.join(here, source);
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).update(compiler).update(flags.join(' ')).digest('hex').slice(0, 12);
  ensureCache();
  const exe = path.join(cacheDir, `${path.basename(source).replace(/\.\w+$/, '')}-${hash}`);
  if (existsSync(exe)) return { exe };
  log(`compiling ${source} (${compiler} ${flags.join(' ')})`);
  const res = run(compiler, [file, '-o', exe, ...flags], 300_000);
  if (!res.ok) return { why: `compile failed: ${res.why}` };
  return { exe };
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return null;
}

const PEERS = [
  {
    name: 'scipy',
    job: 'json',
    prepare() {
      const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : which('python3');
      if (!py) return { why: 'no python3' };
      const probe = run(py, ['-c', 'import scipy, numpy'], 60_000);
      if (!probe.ok) return { why: 'scipy is not installed (apt-get install python3-scipy)' };
      return { cmd: py, argv: [path.join(here, 'scipy_bench.py')] };
    },
  },
  {
    name: 'eigen',
    job: 'txt',
    prepare(log) {
      const inc = ['/usr/include/eigen3', '/usr/local/include/eigen3'].find((d) => existsSync(path.join(d, 'Eigen', 'Sparse')));
      if (!inc) return { why: 'Eigen headers not found (apt-get install libeigen3-dev)' };
      const cxx = which('g++') ?? which('c++');
      if (!cxx) return { why: 'no C++ compiler' };
      const c = compile('eigen_bench.cpp', cxx, ['-O3', '-march=native', '-fopenmp', '-DNDEBUG', `-I${inc}`], log);
      return c.exe ? { cmd: c.exe, argv: [] } : c;
    },
  },
  {
    name: 'graphblas',
    job: 'txt',
    prepare(log) {
      const headerDir = ['/usr/include', '/usr/include/suitesparse', '/usr/local/include', '/usr/local/include/suitesparse'].find((d) => existsSync(path.join(d, 'GraphBLAS.h')));
      if (!headerDir) return { why: 'GraphBLAS.h not found (apt-get install libgraphblas-dev)' };
      const cc = which('gcc') ?? which('cc');
      if (!cc) return { why: 'no C compiler' };
      const c = compile('graphblas_bench.c', cc, ['-O2', `-I${headerDir}`, '-lgraphblas', '-lm'], log);
      return c.exe ? { cmd: c.exe, argv: [] } : c;
    },
  },
];

/**
 * The job as lines for the C and C++ peers (paths have no spaces: the cache dir's names are
 * sanitized; a cache dir with spaces is refused there):
 *   threads N | budget ms minRuns maxRuns
 *   csr <case> <rows> <cols> <nnz> <rowPtr> <colIdx> <values> <kernel,kernel,...>
 *   coo <case> <rows> <cols> <n> <rowIdx> <colIdx> <values> coo2csr
 */
function jobText({ threads, budgetMs, minRuns, maxRuns, cases }) {
  const lines = [`threads ${threads}`, `budget ${budgetMs} ${minRuns} ${maxRuns}`];
  for (const c of cases) {
    const h = JSON.parse(readFileSync(c.matrix ?? c.coo, 'utf8'));
    if (h.format === 'csr') lines.push(['csr', safe(c.name), h.rows, h.cols, h.nnz, h.rowPtr, h.colIdx, h.values, c.kernels.join(',')].join(' '));
    else lines.push(['coo', safe(c.name), h.rows, h.cols, h.n, h.rowIdx, h.colIdx, h.values, c.kernels.join(',')].join(' '));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs every available peer over `cases` ([{ name, kernels, matrix?: header, coo?: header }]).
 * Returns { results, notes, versions }; never throws for a peer's failure.
 */
export async function runPeers({ cases, threads, quick, log = () => {} }) {
  const results = [];
  const notes = [];
  const versions = {};
  if (!cases.length) return { results, notes, versions };
  ensureCache();
  const spec = { threads, budgetMs: quick ? 100 : 400, minRuns: 3, maxRuns: quick ? 10 : 20, cases };
  const jobs = { json: path.join(cacheDir, 'job.json'), txt: path.join(cacheDir, 'job.txt') };
  writeFileSync(jobs.json, JSON.stringify(spec));
  writeFileSync(jobs.txt, jobText(spec));
  for (const peer of PEERS) {
    let how;
    try {
      how = peer.prepare(log);
    } catch (err) {
      how = { why: err.message };
    }
    if (!how.cmd) {
      notes.push(`peer ${peer.name} skipped: ${how.why}`);
      continue;
    }
    log(`running ${peer.name}`);
    const res = run(how.cmd, [...how.argv, jobs[peer.job]], quick ? 120_000 : 900_000);
    if (!res.ok) {
      notes.push(`peer ${peer.name} failed: ${res.why}`);
      continue;
    }
    let out;
    try {
      out = JSON.parse(res.stdout);
    } catch {
      notes.push(`peer ${peer.name} printed no JSON: ${firstLine(res.stdout) || firstLine(res.stderr)}`);
      continue;
    }
    versions[peer.name] = out.version ?? null;
    for (const n of out.notes ?? []) notes.push(`peer ${peer.name}: ${n}`);
    const byName = new Map(cases.map((c) => [safe(c.name), c.name]));
    for (const r of out.results ?? []) results.push({ ...r, case: byName.get(r.case) ?? r.case, peer: peer.name });
  }
  return { results, notes, versions };
}
