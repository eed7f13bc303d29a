import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/backend/select.js';
import { BackendError, getBackend, runtimeInfo, setBackend, VERSION } from '../../src/index.js';

describe('backend selection', () => {
  it('follows SPARSE_LINALG_BACKEND', () => {
    const env = process.env.SPARSE_LINALG_BACKEND;
    if (env === 'js') expect(getBackend()).toBe('js');
    else if (env === 'native') expect(getBackend()).toBe('native');
    else expect(getBackend()).toBe(nativeAvailable() ? 'native' : 'js');
  });

  it('runtimeInfo reports backend, version, SIMD level and threads', () => {
    const info = runtimeInfo();
    expect(info.backend).toBe(getBackend());
    expect(info.version).toBe(VERSION);
    expect(['scalar', 'avx2', 'avx512', 'neon']).toContain(info.simd);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('setBackend switches and refuses nonsense', () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    if (nativeAvailable()) {
      setBackend('native');
      expect(getBackend()).toBe('native');
    } else {
      expect(() => setBackend('native')).toThrow(BackendError);
      expect(() => setBackend('native')).toThrow(/npm run build:native/);
    }
    expect(() => setBackend('gpu' as never)).toThrow(TypeError);
    setBackend('auto');
  });

  it('an unknown SPARSE_LINALG_BACKEND value is an error that names it', () => {
    const saved = process.env.SPARSE_LINALG_BACKEND;
    process.env.SPARSE_LINALG_BACKEND = 'cuda';
    try {
      expect(() => setBackend('auto')).toThrow(BackendError);
      expect(() => setBackend('auto')).toThrow(/'cuda'/);
    } finally {
      process.env.SPARSE_LINALG_BACKEND = saved;
      setBackend('auto');
    }
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('small-input path', () => {
  it('tiny calls on the automatic native backend run the JS kernel; explicit native never does', async () => {
    const { backendFor, SMALL_WORK } = await import('../../src/backend/select.js');
    setBackend('js');
    expect(backendFor(1).name).toBe('js');
    if (nativeAvailable()) {
      setBackend('native');
      expect(backendFor(1).name).toBe('native');
      const saved = process.env.SPARSE_LINALG_BACKEND;
      process.env.SPARSE_LINALG_BACKEND = 'auto';
      setBackend('auto');
      expect(backendFor(1).name).toBe('js');
      expect(backendFor(SMALL_WORK).name).toBe('native');
      process.env.SPARSE_LINALG_BACKEND = saved;
    }
    setBackend('auto');
  });
});
