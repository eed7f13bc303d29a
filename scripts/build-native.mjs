#!/usr/bin/env node
// Builds the native addon (build/Release/sparse_linalg.node) with node-gyp, offline: node-gyp gets
// --nodedir = the running Node's prefix when its headers are installed there. A failed build is
// one warning and exit 0 (the JS backend keeps working) unless --strict is passed or
// SPARSE_LINALG_BACKEND=native, where it is exit 1. Compiler output is kept in a log file and
// shown only when a strict build fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict') || process.env.SPARSE_LINALG_BACKEND === 'native';
const addon = path.join(root, 'build', 'Release', 'sparse_linalg.node');
const log = path.join(root, 'build', 'native-build.log');

function nodeGypCommand() {
  const local = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp');
  if (existsSync(local)) return { cmd: local, args: [] };
  const script = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  return { cmd: process.execPath, args: [script] };
}

function build() {
  let gyp;
  try {
    gyp = nodeGypCommand();
  } catch {
    return { ok: false, reason: 'node-gyp is not installed', output: '' };
  }
  const args = [...gyp.args, 'rebuild'];
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodedir}`);
  const res = spawnSync(gyp.cmd, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: process.platform === 'win32',
  });
  const output = `$ ${gyp.cmd} ${args.join(' ')}\n${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.error) return { ok: false, reason: `node-gyp could not be started (${res.error.message})`, output };
  if (res.status !== 0) {
    const firstError = output.split('\n').find((l) => /\berror\b/i.test(l) && !/^gyp (ERR|info)/.test(l));
    const why = firstError ? `: ${firstError.trim().slice(0, 160)}` : '';
    return { ok: false, reason: `node-gyp rebuild failed (exit ${res.status})${why}`, output };
  }
  if (!existsSync(addon)) return { ok: false, reason: `node-gyp succeeded but ${addon} is missing`, output };
  return { ok: true, output };
}

const result = build();
if (result.ok) {
  console.log(`sparse-linalg: built the native addon (${path.relative(root, addon)})`);
  process.exit(0);
}
try {
  mkdirSync(path.dirname(log), { recursive: true });
  writeFileSync(log, result.output);
} catch {
  // the warning below still says what failed
}
if (strict) {
  process.stderr.write(result.output);
  console.error(`sparse-linalg: native build failed: ${result.reason} (full log: ${log})`);
  process.exit(1);
}
console.warn(
  `sparse-linalg: warning: native build failed (${result.reason}; log: ${path.relative(process.cwd(), log)}); ` +
    'the JS backend will be used. Retry with `npm run build:native`.',
);
