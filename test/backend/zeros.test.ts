import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import type { Backend, ZerosKind } from '../../src/backend/types.js';
import { zerosF64, zerosI32, zerosValues } from '../../src/memory.js';

const backends: [string, Backend][] = [['js', jsBackend]];
const native = loadNativeBackend().backend;
if (native) backends.push(['native', native]);

const types: Record<ZerosKind, new (n: number) => ArrayLike<number>> = { f64: Float64Array, f32: Float32Array, i32: Int32Array };

describe.each(backends)('Backend.zeros (%s)', (_name, be) => {
  it.each(['f64', 'f32', 'i32'] as ZerosKind[])('gives a zeroed, writable %s array that no other array shares', (kind) => {
    for (const length of [0, 1, 7, (1 << 18) + 3, 1 << 20, (3 << 20) + 5]) {
      const a = be.zeros(kind, length);
      const b = be.zeros(kind, length);
      expect(a).toBeInstanceOf(types[kind]);
      expect(a.length).toBe(length);
      expect(a.byteOffset + a.byteLength).toBeLessThanOrEqual(a.buffer.byteLength);
      expect(a.every((v) => v === 0)).toBe(true);
      a.fill(7);
      expect(a.every((v) => v === 7)).toBe(true);
      expect(b.every((v) => v === 0)).toBe(true);
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
    for (const length of [0, 3, (1 << 17) - 1, 1 << 17, (1 << 18) + 1, (1 << 21) + 3]) {
      const arrays = [zerosF64(length), zerosI32(length), zerosValues('f32', length), zerosValues('f64', length)];
      expect(arrays.map((a) => a.constructor)).toEqual([Float64Array, Int32Array, Float32Array, Float64Array]);
      for (const a of arrays) {
        expect(a.length).toBe(length);
        expect(a.every((v) => v === 0)).toBe(true);
      }
    }
  });
});
