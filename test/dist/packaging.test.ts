// The built package, as users load it: ESM and CJS entry points must pick the same backend (a
// missing import.meta shim once made CJS silently fall back to JS) and agree on a product.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(`${root}/dist/index.js`) && existsSync(`${root}/dist/index.cjs`);

const probe = (load: string) =>
  `${load}.then((m) => { const A = m.CsrMatrix.random(50, 40, 0.1, { seed: 1 }); ` +
  `console.log(JSON.stringify({ backend: m.getBackend(), y: Array.from(A.matvec(new Float64Array(40).fill(1))) })); })`;

function run(code: string): { backend: string; y: number[] } {
  const env = { ...process.env };
  delete env.SPARSE_LINALG_BACKEND;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: root, env, encoding: 'utf8' })) as { backend: string; y: number[] };
}

describe.skipIf(!built)('built package (dist/)', () => {
  it('ESM and CJS builds load the same backend and agree', () => {
    const esm = run(probe("import('./dist/index.js')"));
    const cjs = run(probe("Promise.resolve(require('./dist/index.cjs'))"));
    expect(cjs.backend).toBe(esm.backend);
    expect(cjs.y).toEqual(esm.y);
    if (existsSync(`${root}/build/Release/sparse_linalg.node`)) expect(esm.backend).toBe('native');
  });

  it('ships type declarations for both conditions', () => {
    expect(existsSync(`${root}/dist/index.d.ts`)).toBe(true);
    expect(existsSync(`${root}/dist/index.d.cts`)).toBe(true);
  });
});
