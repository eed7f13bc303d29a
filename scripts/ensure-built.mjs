#!/usr/bin/env node
// Builds what `npm run bench` needs when it is missing: dist/ (tsup) and the native addon.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.error) throw res.error;
  if (res.status !== 0) process.exit(res.status ?? 1);
}

if (!existsSync(path.join(root, 'dist', 'index.js'))) {
  const tsup = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsup.cmd' : 'tsup');
  run(tsup, []);
}
if (!existsSync(path.join(root, 'build', 'Release', 'sparse_linalg.node'))) {
  // Not strict: a machine without a compiler still benchmarks the JS backend.
  run(process.execPath, [path.join(root, 'scripts', 'build-native.mjs')]);
}
