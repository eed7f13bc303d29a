import { activeBackend } from './backend/select.js';
import { loadNativeBackend } from './backend/native.js';
import { VERSION } from './version.js';

export interface RuntimeInfo {
  /** The backend operations run on. */
  backend: 'native' | 'js';
  /** Threads a kernel may use (1 until the thread pool lands). */
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
    threads: 1,
    simd: backend === 'native' && native.control ? native.control.info().simd : 'scalar',
    version: VERSION,
  };
  if (native.error) info.loadError = native.error.message;
  return info;
}
