// Running one operation on both backends, for the native-vs-JS comparison suites.
import { expect } from 'vitest';
import { setBackend } from '../../src/backend/select.js';

/** The result of `fn` on the JS backend and on the native backend (explicitly, no small-input path). */
export function onBoth<T>(fn: () => T): { js: T; native: T } {
  setBackend('js');
  const js = fn();
  setBackend('native');
  const native = fn();
  return { js, native };
}

/** What `fn` throws, reduced to what both backends must agree on; null when it does not throw. */
export function errorOf(fn: () => unknown): { name: string; code?: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    const err = e as Error & { code?: string };
    return { name: err.constructor.name, code: err.code, message: err.message };
  }
}

/** Both backends throw the same class, code and message (or both succeed). */
export function sameErrors(fn: () => unknown): void {
  const { js, native } = onBoth(() => errorOf(fn));
  expect(native).toEqual(js);
}

export function absScale(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]);
  return s;
}

/** The error a call throws, as "ClassName: message" ("no error" when it returns). */
export function errorText(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Park-Miller stream (s * 16807 mod 2^31 - 1) from seed + 1, as numbers in (0, 1). */
export function parkMiller(seed: number): () => number {
  let s = seed + 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}
