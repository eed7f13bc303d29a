import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import type { Backend, ZerosKind } from '../../src/backend/types.js';
import { scratchF64, scratchI32, zerosF64, zerosI32, zerosValues } from '../../src/memory.js';

const backends: [string, Backend][] = [['js', jsBackend]];
const native = loadNativeBackend().backend;
if (native) backends.push(['native', native]);

const types: Record<ZerosKind, new (n: number) => ArrayLike<number>> = { f64: Float64Array, f32: Float32Array, i32: Int32Array };

describe.each(backends)('Backend.zeros (%s)', (_name, be) => {
  it.each(['f64', 'f32', 'i32'] as ZerosKind[])('gives a zeroed, writable %s array of each length', (kind) => {
    for (const length of [0, 1, 7, 1 << 20, (3 << 20) + 5]) {
      const a = be.zeros(kind, length);
      expect(a).toBeInstanceOf(types[kind]);
      expect(a.length).toBe(length);
      expect(a.every((v) => v === 0)).toBe(true);
      if (length > 0) {
        a[0] = -2;
        a[length - 1] = 3;
        expect(a[length - 1]).toBe(3);
        expect(be.zeros(kind, length)[length - 1]).toBe(0);
      }
    }
  });
});

describe.each(backends)('Backend.zeros aligned, for scratch (%s)', (_name, be) => {
  it.each(['f64', 'f32', 'i32'] as ZerosKind[])('gives a zeroed %s view that no other array shares', (kind) => {
    for (const length of [1, 5, (1 << 18) + 3, 1 << 20]) {
      const a = be.zeros(kind, length, true);
      const b = be.zeros(kind, length, true);
      expect(a).toBeInstanceOf(types[kind]);
      expect(a.length).toBe(length);
      expect(a.byteOffset + a.byteLength).toBeLessThanOrEqual(a.buffer.byteLength);
      expect(a.every((v) => v === 0)).toBe(true);
      a.fill(7);
      expect(b.every((v) => v === 0)).toBe(true);
      expect(a.every((v) => v === 7)).toBe(true);
    }
  });
});

describe.runIf(native !== null)('native zeros refuses bad arguments', () => {
  it('an unknown kind or a bad length is an error that names it', () => {
    const be = native as Backend;
    expect(() => be.zeros('f16' as ZerosKind, 4)).toThrow(/kind/);
    expect(() => be.zeros(1 as unknown as ZerosKind, 4)).toThrow(/kind/);
    expect(() => be.zeros('f64', -1)).toThrow(/length/);
    expect(() => be.zeros('f64', 1.5)).toThrow(/length/);
    expect(() => be.zeros('f64', Number.NaN)).toThrow(/length/);
  });
});

describe('memory: large arrays from the active backend, small ones from the constructor', () => {
  it('zerosF64 / zerosI32 / zerosValues give zeroed arrays of the right type on both sides of the threshold', () => {
    for (const length of [0, 3, (1 << 19) - 1, 1 << 19, (1 << 21) + 3]) {
      const f = zerosF64(length);
      const i = zerosI32(length);
      const s = zerosValues('f32', length);
      const d = zerosValues('f64', length);
      const sf = scratchF64(length);
      const si = scratchI32(length);
      expect([f, i, s, d, sf, si].map((a) => a.constructor)).toEqual([Float64Array, Int32Array, Float32Array, Float64Array, Float64Array, Int32Array]);
      for (const a of [f, i, s, d, sf, si]) {
        expect(a.length).toBe(length);
        expect(a.every((v) => v === 0)).toBe(true);
      }
    }
  });
});
