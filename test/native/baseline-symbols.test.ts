// The kernel tables are compiled once per SIMD level from the same headers, inside target regions.
// An inline function that is not a template over SimdLevel, defined inside such a region, is
// emitted by every level under one name, and the linker keeps one copy: if it keeps the AVX-512
// one, the scalar table runs AVX-512 code and a CPU without it dies of SIGILL. This test reads the
// built addon: every weak (COMDAT) function whose name does not carry an AVX2 or AVX-512 level must
// be free of VEX/EVEX instructions. Needs nm and objdump (binutils); skipped without them and
// off x86-64.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const has = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
const usable = process.arch === 'x64' && process.platform === 'linux' && loadNativeBackend().backend !== null && has('nm') && has('objdump');

// SimdLevel 1 (AVX2) and 2 (AVX-512) as they appear in mangled template arguments.
const LEVEL_CODE = /SimdLevelE[12]E/;
// An instruction with a VEX/EVEX encoding: the v-prefixed mnemonics, mask-register moves, ymm/zmm.
const VEX = /\t(v[a-z0-9]+|k(mov|or|and|not)[bwdq])\s|%[yz]mm/;

describe.skipIf(!usable)('the addon: shared inline code is baseline code', () => {
  it('no weak function outside the AVX2/AVX-512 instances holds VEX or EVEX instructions', () => {
    const addon: string = createRequire(import.meta.url)('node-gyp-build').path(root);
    const weak = new Set<string>();
    for (const line of spawnSync('nm', [addon], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n')) {
      const [, kind, name] = line.trim().split(/\s+/);
      if (kind === 'W' && name) weak.add(name);
    }
    expect(weak.size).toBeGreaterThan(0);
    const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', addon], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
    const bad = new Set<string>();
    let current: string | null = null;
    for (const line of dump.split('\n')) {
      const head = /^[0-9a-f]+ <(.+)>:$/.exec(line);
      if (head) {
        current = weak.has(head[1]) && !LEVEL_CODE.test(head[1]) ? head[1] : null;
        continue;
      }
      if (current !== null && VEX.test(line)) bad.add(current);
    }
    expect([...bad]).toEqual([]);
  });
});
