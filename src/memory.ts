import { activeBackend } from './backend/select.js';
import { allocValues, MAX_INDEX, type Dtype, type Values } from './types.js';

/**
 * Scratch and result arrays from 1 MiB up come from the active backend (Backend.zeros): the native
 * one allocates them in the addon, aligned to 2 MiB, and asks for transparent huge pages. An array
 * that V8 allocates is faulted in 4 KiB at a time on its first write, and on the project's AMD EPYC
 * (Zen 5) VM that costs 2.5 ms a MiB: the first write of a fresh 32 MiB Float64Array took 80 ms,
 * the second 1.2 ms. Large results may therefore be views (byteOffset > 0) of a longer buffer.
 */
const LARGE_BYTES = 1 << 20;

function large(length: number, bytesPerElement: number): boolean {
  return length * bytesPerElement >= LARGE_BYTES && length <= MAX_INDEX;
}

/** A zeroed Float64Array of `length` elements. */
export function zerosF64(length: number): Float64Array {
  return large(length, 8) ? activeBackend().zeros('f64', length) : new Float64Array(length);
}

/** A zeroed Int32Array of `length` elements. */
export function zerosI32(length: number): Int32Array {
  return large(length, 4) ? activeBackend().zeros('i32', length) : new Int32Array(length);
}

/** A zeroed values array of the dtype. */
export function zerosValues(dtype: Dtype, length: number): Values {
  return large(length, dtype === 'f64' ? 8 : 4) ? activeBackend().zeros(dtype, length) : allocValues(dtype, length);
}
