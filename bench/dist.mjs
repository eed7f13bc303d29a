// Which build of the library the bench runs: dist/index.js of this checkout, or the file (or
// directory holding index.js) named by SPARSE_LINALG_BENCH_DIST. Every bench module imports the
// library from here, never from '../dist/index.js' directly.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function resolveDist() {
  const env = process.env.SPARSE_LINALG_BENCH_DIST;
  if (!env) return fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const p = path.resolve(env);
  return existsSync(p) && statSync(p).isDirectory() ? path.join(p, 'index.js') : p;
}

export const distPath = resolveDist();
export const lib = await import(pathToFileURL(distPath).href);

/** The package root above the dist file (where node-gyp-build looks for the addon). */
function packageRoot(from) {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'sparse-linalg') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The addon object the library itself loaded (node-gyp-build resolves the same file, honouring
 * SPARSE_LINALG_PREBUILD, and require() caches it), for the internal bandwidth probe
 * (streamRead/streamTriad). null when the addon does not load or predates the probe.
 */
export function loadAddon() {
  try {
    const root = packageRoot(distPath);
    if (!root) return null;
    const addon = createRequire(distPath)('node-gyp-build')(root);
    return typeof addon.streamRead === 'function' && typeof addon.streamTriad === 'function' ? addon : null;
  } catch {
    return null;
  }
}
