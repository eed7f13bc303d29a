import { lib } from './dist.mjs';

const { runtimeInfo, setBackend } = lib;

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
