import { BackendError } from '../errors.js';
import { jsBackend } from './js/index.js';
import { loadNativeBackend } from './native.js';
import type { Backend } from './types.js';

export type BackendName = 'native' | 'js';

let current: Backend | null = null;
/** True when the native backend was asked for by name (env or setBackend): then it runs everything. */
let explicitNative = false;

/**
 * Below this much work (stored entries touched), a call on the automatically chosen native backend
 * runs the JS kernel instead: a native call costs about 2 us of fixed overhead (argument checks,
 * reading the matrix object), while the JS loop costs 5-15 ns an entry, so they cross near
 * 300-1000 entries (measured on an AMD EPYC Zen 4 VM with /tmp bench scripts; see the README).
 */
export const SMALL_WORK = 512;

function nativeOrThrow(): Backend {
  const { backend, error } = loadNativeBackend();
  if (backend) return backend;
  throw new BackendError(
    'the native backend was required but the addon could not be loaded' +
      (error ? ` (${error.message.split('\n')[0]})` : '') +
      '. Build it with `npm run build:native` (or `npx sparse-linalg build`), which needs python3, make and a C++17 compiler; ' +
      'or unset SPARSE_LINALG_BACKEND to use the pure-TypeScript backend.',
  );
}

/** The policy: SPARSE_LINALG_BACKEND=js|native forces one; otherwise native when the addon loads, else js. */
function choose(): Backend {
  const env = process.env.SPARSE_LINALG_BACKEND?.trim().toLowerCase();
  explicitNative = env === 'native';
  if (env === 'js') return jsBackend;
  if (env === 'native') return nativeOrThrow();
  if (env && env !== 'auto') {
    throw new BackendError(`SPARSE_LINALG_BACKEND must be 'js', 'native' or 'auto', got '${env}'`);
  }
  return loadNativeBackend().backend ?? jsBackend;
}

/** The backend every operation runs on. Decided on first use. */
export function activeBackend(): Backend {
  if (current === null) current = choose();
  return current;
}

/**
 * The backend for one call doing about `work` units (stored entries touched): the active one,
 * except that tiny calls on an automatically chosen native backend run in JS (same results within
 * the backends' agreement tolerance, less call overhead).
 */
export function backendFor(work: number): Backend {
  const b = activeBackend();
  return b.name === 'native' && !explicitNative && work < SMALL_WORK ? jsBackend : b;
}

/** Which backend runs the operations: 'native' (C++ addon) or 'js' (pure TypeScript). */
export function getBackend(): BackendName {
  return activeBackend().name;
}

/**
 * Switches backend for the rest of the process (both give the same answers). 'native' throws a
 * BackendError when the addon is not available; 'auto' re-applies the environment policy.
 */
export function setBackend(name: BackendName | 'auto'): void {
  if (name === 'js') {
    current = jsBackend;
    explicitNative = false;
  } else if (name === 'native') {
    current = nativeOrThrow();
    explicitNative = true;
  } else if (name === 'auto') current = choose();
  else throw new TypeError(`backend must be 'native', 'js' or 'auto', got ${String(name)}`);
}

/** True when the native addon loaded (whichever backend is active). */
export function nativeAvailable(): boolean {
  return loadNativeBackend().backend !== null;
}
