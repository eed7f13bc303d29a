import type { ZerosKind, ZerosOf } from '../types.js';

/** The JS backend's zeros: the typed array's constructor (V8 zero-fills it). */
export function zeros<K extends ZerosKind>(kind: K, length: number): ZerosOf<K> {
  const array = kind === 'f64' ? new Float64Array(length) : kind === 'f32' ? new Float32Array(length) : new Int32Array(length);
  return array as ZerosOf<K>;
}
