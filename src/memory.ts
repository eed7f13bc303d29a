import { activeBackend } from './backend/select.js';
import { MAX_INDEX, type Dtype, type Values } from './types.js';

/**
 * Large scratch and result arrays come from the active backend (Backend.zeros): the native one
 * allocates them in the addon and asks for transparent huge pages, as numpy does from 4 MiB. An
 * array that V8 allocates is faulted in 4 KiB at a time on its first write, and on the project's
 * AMD EPYC (Zen 5) VM that costs 2.5 ms a MiB: the first write of a fresh 32 MiB Float64Array took
 * 80 ms, the second 1.2 ms (with huge pages the first took 6-10 ms). Smaller arrays are not worth
 * a call into the addon.
 */
const LARGE_BYTES = 4 << 20;
/**
 * Scratch arrays (never handed to the user) come aligned to 2 MiB from 1 MiB up, all of them in
 * huge pages; see Backend.zeros.
 */
const SCRATCH_BYTES = 1 << 20;

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
  if (dtype === 'f64') return zerosF64(length);
  return large(length, 4) ? activeBackend().zeros('f32', length) : new Float32Array(length);
}

/** A zeroed Float64Array for scratch that the caller never returns (it may view a larger buffer). */
export function scratchF64(length: number): Float64Array {
  return length * 8 >= SCRATCH_BYTES && length <= MAX_INDEX ? activeBackend().zeros('f64', length, true) : new Float64Array(length);
}

/** A zeroed Int32Array for scratch that the caller never returns (it may view a larger buffer). */
export function scratchI32(length: number): Int32Array {
  return length * 4 >= SCRATCH_BYTES && length <= MAX_INDEX ? activeBackend().zeros('i32', length, true) : new Int32Array(length);
}
