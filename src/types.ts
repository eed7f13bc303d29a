/** Value type of a matrix: 64-bit or 32-bit IEEE floats. */
export type Dtype = 'f64' | 'f32';

/** The typed array that holds values of a given dtype. */
export type Values = Float64Array | Float32Array;

export type ValuesOf<D extends Dtype> = D extends 'f64' ? Float64Array : Float32Array;

/** The largest index an Int32Array can hold; larger matrices are refused until 64-bit indices exist. */
export const MAX_INDEX = 2147483647;

export function dtypeOf(values: Values): Dtype {
  return values instanceof Float32Array ? 'f32' : 'f64';
}

export function allocValues(dtype: Dtype, length: number): Values {
  return dtype === 'f32' ? new Float32Array(length) : new Float64Array(length);
}
