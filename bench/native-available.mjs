import { runtimeInfo, setBackend } from '../dist/index.js';

/** Whether the addon loaded, without changing the active backend for good. */
export function nativeAvailable() {
  const before = runtimeInfo().backend;
  try {
    setBackend('native');
    return true;
  } catch {
    return false;
  } finally {
    setBackend(before);
  }
}
