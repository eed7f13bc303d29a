import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import type { CsrMatrix } from '../formats/csr.js';
import { gunzipAll, isGzip } from './gzip.js';
import { DEFAULT_CHUNK_SIZE, MatrixMarketParser, type ReadOptions } from './parser.js';

function chunkSizeOf(options: ReadOptions): number {
  const c = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(c) || c < 1) throw new TypeError(`chunkSize must be a positive integer, got ${String(c)}`);
  return c;
}

/** Feeds `bytes` to the parser in slices (views, no copies). */
function feed(parser: MatrixMarketParser, bytes: Uint8Array, chunk: number): void {
  for (let pos = 0; pos < bytes.length; pos += chunk) parser.push(bytes.subarray(pos, Math.min(bytes.length, pos + chunk)));
}

/**
 * Parses Matrix Market text. A string is encoded to UTF-8 a slice at a time (no full copy); a
 * Uint8Array that starts with the gzip magic bytes 1f 8b is gunzipped first.
 */
export function parseMatrixMarket(text: string | Uint8Array, options: ReadOptions = {}): CsrMatrix {
  const chunk = chunkSizeOf(options);
  if (typeof text === 'string') {
    const parser = new MatrixMarketParser({ dtype: options.dtype, sizeHint: text.length });
    const encoder = new TextEncoder();
    const step = Math.max(1, Math.min(chunk, DEFAULT_CHUNK_SIZE));
    const buf = new Uint8Array(3 * step + 4);
    for (let pos = 0; pos < text.length; ) {
      let end = Math.min(text.length, pos + step);
      // Never split a surrogate pair between two slices.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - pos > 1) end--;
      const { written } = encoder.encodeInto(text.substring(pos, end), buf);
      parser.push(buf.subarray(0, written));
      pos = end;
    }
    return parser.finish();
  }
  if (!(text instanceof Uint8Array)) throw new TypeError('parseMatrixMarket expects a string or a Uint8Array');
  const bytes = isGzip(text) ? gunzipAll(text) : text;
  const parser = new MatrixMarketParser({ dtype: options.dtype, sizeHint: bytes.length });
  feed(parser, bytes, chunk);
  return parser.finish();
}

/**
 * Reads a Matrix Market file synchronously, streaming: the file is read in chunks of 1 MiB into
 * one reused buffer and fed to the parser, so memory holds the chunk plus the entry arrays.
 *
 * gzip (detected by the magic bytes 1f 8b, not by the name): Node has no public synchronous
 * streaming inflate, so the compressed file is read whole and gunzipped whole with `gunzipSync`
 * (the compressed bytes are dropped before parsing), then parsed from that buffer in chunks. That
 * costs the decompressed size in memory; `readMatrixMarketAsync` streams gzip input instead.
 */
export function readMatrixMarket(path: string, options: ReadOptions = {}): CsrMatrix {
  if (typeof path !== 'string') throw new TypeError('readMatrixMarket expects a file path (string)');
  const chunk = chunkSizeOf(options);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const parser = new MatrixMarketParser({ dtype: options.dtype, sizeHint: size });
    const buf = new Uint8Array(Math.max(chunk, 2));
    let n = readSync(fd, buf, 0, chunk, null);
    // Make sure two bytes are there for the magic check (chunkSize 1, or a short first read).
    while (n < 2) {
      const m = readSync(fd, buf, n, Math.max(1, chunk - n), null);
      if (m === 0) break;
      n += m;
    }
    if (isGzip(buf.subarray(0, n))) {
      let all = new Uint8Array(Math.max(size, n));
      all.set(buf.subarray(0, n));
      let len = n;
      for (;;) {
        if (len === all.length) {
          // The file grew since fstat (or fstat knew no size): probe before reallocating.
          const m = readSync(fd, buf, 0, buf.length, null);
          if (m === 0) break;
          const bigger = new Uint8Array(all.length * 2 + m);
          bigger.set(all);
          bigger.set(buf.subarray(0, m), len);
          all = bigger;
          len += m;
          continue;
        }
        const m = readSync(fd, all, len, all.length - len, null);
        if (m === 0) break;
        len += m;
      }
      const text = gunzipAll(all.subarray(0, len));
      all = new Uint8Array(0);
      const inflated = new MatrixMarketParser({ dtype: options.dtype, sizeHint: text.length });
      feed(inflated, text, chunk);
      return inflated.finish();
    }
    while (n > 0) {
      parser.push(buf.subarray(0, n));
      n = readSync(fd, buf, 0, chunk, null);
    }
    return parser.finish();
  } finally {
    closeSync(fd);
  }
}
