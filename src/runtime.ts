import { activeBackend } from './backend/select.js';
import { SparseError } from './errors.js';
import { loadNativeBackend } from './backend/native.js';
import { VERSION } from './version.js';

export interface RuntimeInfo {
  /** The backend operations run on. */
  backend: 'native' | 'js';
  /**
   * Threads a kernel of the active backend may use: getThreads() on the native backend, 1 on the
   * JS backend (its kernels run on the calling thread; the setting is kept for the native one).
   */
  threads: number;
  /** SIMD level of the native kernels ('scalar' on the JS backend). */
  simd: 'scalar' | 'avx2' | 'avx512' | 'neon';
  /** Package version. */
  version: string;
  /** Why the addon did not load, when it did not. */
  loadError?: string;
}

export function runtimeInfo(): RuntimeInfo {
  const backend = activeBackend().name;
  const native = loadNativeBackend();
  const info: RuntimeInfo = {
    backend,
    threads: backend === 'native' ? getThreads() : 1,
    simd: backend === 'native' && native.control ? native.control.info().simd : 'scalar',
    version: VERSION,
  };
  if (native.error) info.loadError = native.error.message;
  return info;
}

/** The most threads setThreads accepts (more than the hardware has is allowed, e.g. for tests). */
export const MAX_THREADS = 256;

let jsSetting: number | null = null;

/**
 * Caps the threads every native kernel call may use, process-wide: the addon's one thread pool is
 * shared by the main thread and every worker_thread, so this affects them all. Results do not
 * depend on it (work is cut by the input, never by the thread count). n: an integer in
 * [1, 256]; a non-number or non-integer is a TypeError, out of range a SparseError
 * (ERR_SPARSE_RANGE). Without the addon the value is only recorded.
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`threads must be an integer, got ${String(n)}`);
  if (n < 1 || n > MAX_THREADS) throw new SparseError(`threads must be in [1, ${MAX_THREADS}], got ${n}`, 'ERR_SPARSE_RANGE');
  const control = loadNativeBackend().control;
  if (control) control.setThreads(n);
  else jsSetting = n;
}

/** The current thread cap: default all hardware threads, or SPARSE_LINALG_THREADS when set. */
export function getThreads(): number {
  const control = loadNativeBackend().control;
  if (control) return control.getThreads();
  return jsSetting ?? 1;
}
