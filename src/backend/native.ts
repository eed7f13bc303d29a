import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapNativeError } from '../errors.js';
import type { Backend } from './types.js';

/** What the addon reports about itself (`info()` of the addon). */
export interface NativeInfo {
  version: string;
  simd: 'scalar' | 'avx2' | 'avx512' | 'neon';
  /** Every SIMD level this CPU can run, 'scalar' first. */
  simdSupported: string[];
  hardwareThreads: number;
  /** Set when SPARSE_LINALG_SIMD asked for a level that is unknown or beyond this CPU. */
  simdWarning?: string;
}

/** Runtime switches of the addon that are not kernels (tests use them to cover every SIMD level). */
export interface NativeControl {
  info(): NativeInfo;
  /** Switches this addon instance to another kernel table; throws for a level the CPU lacks. */
  setSimd(level: string): void;
}

export interface NativeLoad {
  backend: Backend | null;
  info: NativeInfo | null;
  control: NativeControl | null;
  error: Error | null;
}

type Addon = { [K in Exclude<keyof Backend, 'name'>]: Backend[K] } & NativeControl;

const PACKAGE_NAME = 'sparse-linalg';

/**
 * The package root: the first directory above this module whose package.json is ours. Works from
 * src/backend/ (vitest, tsx) and from dist/ (tsup bundles this file into dist/index.{js,cjs}, with
 * import.meta.url shimmed in CJS).
 */
function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${start}`);
  }
}

/** Every call goes through mapNativeError, so users only ever see SparseError subclasses or TypeErrors. */
function wrap(addon: Addon): Backend {
  const call =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        throw mapNativeError(err);
      }
    };
  return {
    name: 'native',
    spmv: call(addon.spmv),
    spmm: call(addon.spmm),
    spgemm: call(addon.spgemm),
    transpose: call(addon.transpose),
    cooToCsr: call(addon.cooToCsr),
    add: call(addon.add),
    scale: call(addon.scale),
    scaleRows: call(addon.scaleRows),
    scaleCols: call(addon.scaleCols),
    rowSums: call(addon.rowSums),
    colSums: call(addon.colSums),
    diagonal: call(addon.diagonal),
    normFrobenius: call(addon.normFrobenius),
    toDense: call(addon.toDense),
    fromDense: call(addon.fromDense),
  };
}

let cached: NativeLoad | null = null;

/** Loads the addon once (build/Release, then prebuilds/, via node-gyp-build). Never throws. */
export function loadNativeBackend(): NativeLoad {
  if (cached) return cached;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => Addon;
    const addon = load(findPackageRoot());
    cached = { backend: wrap(addon), info: addon.info(), control: addon, error: null };
  } catch (err) {
    cached = { backend: null, info: null, control: null, error: err instanceof Error ? err : new Error(String(err)) };
  }
  return cached;
}
