import { gunzipSync } from 'node:zlib';
import { ParseError } from '../errors.js';

/** gzip streams start with the magic bytes 1f 8b (RFC 1952); the file name is never consulted. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A zlib failure as a ParseError without a line (line 0: no line of the text applies). */
export function gzipError(err: unknown): ParseError {
  const msg = err instanceof Error ? err.message : String(err);
  return new ParseError(`invalid gzip data: ${msg}`, 0);
}

/** Whole-buffer gunzip (multi-member streams included), zlib errors mapped to ParseError. */
export function gunzipAll(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw gzipError(err);
  }
}
