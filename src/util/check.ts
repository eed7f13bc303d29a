import { FormatError, ShapeError } from '../errors.js';
import { MAX_INDEX, type Dtype, type Values } from '../types.js';
import { zerosValues } from '../memory.js';

/** A dimension: a non-negative integer that an Int32Array can index. */
export function checkDim(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 0) throw new ShapeError(`${name} must be a non-negative integer, got ${value}`);
  if (value > MAX_INDEX) throw new ShapeError(`${name} = ${value} exceeds ${MAX_INDEX}, the largest size int32 indices can address`);
  return value;
}

export function checkDtype(value: unknown): Dtype {
  if (value === undefined) return 'f64';
  if (value !== 'f64' && value !== 'f32') throw new TypeError(`dtype must be 'f64' or 'f32', got ${String(value)}`);
  return value;
}

export function checkNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  return value;
}

export function checkInt32Array(value: unknown, name: string): Int32Array {
  if (!(value instanceof Int32Array)) throw new TypeError(`${name} must be an Int32Array`);
  return value;
}

export function isValues(value: unknown): value is Values {
  return value instanceof Float64Array || value instanceof Float32Array;
}

/**
 * A dense vector argument: a Float64Array/Float32Array (used as is when its dtype matches) or any
 * array-like of numbers (copied into the matrix's dtype). Length is checked against `length`.
 */
export function toVector(value: unknown, dtype: Dtype, length: number, name: string): Values {
  let v: Values;
  if (isValues(value)) {
    if ((dtype === 'f64') === value instanceof Float64Array) v = value;
    else v = dtype === 'f64' ? Float64Array.from(value) : Float32Array.from(value);
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const arr = value as ArrayLike<unknown>;
    v = zerosValues(dtype, arr.length);
    for (let i = 0; i < arr.length; i++) {
      const e = arr[i];
      if (typeof e !== 'number') throw new TypeError(`${name}[${i}] must be a number, got ${typeof e}`);
      v[i] = e;
    }
  } else {
    throw new TypeError(`${name} must be a Float64Array, Float32Array or array of numbers`);
  }
  if (v.length !== length) throw new ShapeError(`${name} has length ${v.length}, expected ${length}`);
  return v;
}

/** An `out` argument: must already have the right dtype and length, since it is written in place. */
export function checkOut(value: unknown, dtype: Dtype, length: number, name = 'out'): Values {
  if (!isValues(value)) throw new TypeError(`${name} must be a Float64Array or Float32Array`);
  if ((dtype === 'f64') !== value instanceof Float64Array) {
    throw new TypeError(`${name} must be a ${dtype === 'f64' ? 'Float64Array' : 'Float32Array'} to match the matrix dtype '${dtype}'`);
  }
  if (value.length !== length) throw new ShapeError(`${name} has length ${value.length}, expected ${length}`);
  return value;
}

export function checkFiniteNonNegative(value: unknown, name: string): number {
  const v = checkNumber(value, name);
  if (!Number.isFinite(v) || v < 0) throw new FormatError(`${name} must be a finite non-negative number, got ${v}`);
  return v;
}
