import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { AbortError } from '../errors.js';
import type { CsrMatrix } from '../formats/csr.js';
import { gzipError, isGzip } from './gzip.js';
import { DEFAULT_CHUNK_SIZE, MatrixMarketParser, type ReadOptions } from './parser.js';

export interface ReadAsyncOptions extends ReadOptions {
  /** Aborting rejects with AbortError and destroys the stream (a stream the caller passed, too). */
  signal?: AbortSignal;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`readMatrixMarketAsync: the stream yielded a ${typeof chunk}, expected bytes or strings`);
}

function destroy(stream: unknown, err?: Error): void {
  const s = stream as { destroy?: (err?: Error) => void } | null;
  if (s && typeof s.destroy === 'function') s.destroy(err);
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drainOrClose(gz: Gunzip): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      gz.off('drain', done);
      gz.off('close', done);
      resolve();
    };
    gz.on('drain', done);
    gz.on('close', done);
  });
}

/**
 * Reads a Matrix Market file (path) or byte stream asynchronously, chunk by chunk. When the first
 * two bytes are the gzip magic 1f 8b, the bytes go through `zlib.createGunzip()` (multi-member
 * streams included). `signal` aborts: the promise rejects with AbortError and the streams are
 * destroyed.
 */
export async function readMatrixMarketAsync(source: string | NodeJS.ReadableStream, options: ReadAsyncOptions = {}): Promise<CsrMatrix> {
  const { signal } = options;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError('signal must be an AbortSignal');
  }
  let parser = new MatrixMarketParser(options);
  if (signal?.aborted) throw new AbortError();
  let input: Readable;
  if (typeof source === 'string') {
    const size = await stat(source).then((st) => st.size, () => 0);
    if (signal?.aborted) throw new AbortError();
    parser = new MatrixMarketParser({ dtype: options.dtype, sizeHint: size });
    input = createReadStream(source, { highWaterMark: options.chunkSize ?? DEFAULT_CHUNK_SIZE });
  } else if (source instanceof Readable) {
    input = source;
  } else if (source !== null && typeof source === 'object' && typeof (source as NodeJS.ReadableStream).on === 'function') {
    input = new Readable({ highWaterMark: DEFAULT_CHUNK_SIZE }).wrap(source);
  } else {
    throw new TypeError('readMatrixMarketAsync expects a file path or a readable stream');
  }

  let gunzip: Gunzip | null = null;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    const err = new AbortError();
    destroy(gunzip, err);
    destroy(input, err);
    if (input !== source) destroy(source, err);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const it = input[Symbol.asyncIterator]();
  try {
    // Collect at least two bytes to look for the gzip magic.
    let head: Uint8Array = new Uint8Array(0);
    let done = false;
    while (head.length < 2) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = toBytes(r.value);
      head = head.length === 0 ? b : Buffer.concat([head, b]);
    }
    if (aborted) throw new AbortError();
    if (!isGzip(head)) {
      if (head.length > 0) parser.push(head);
      while (!done) {
        const r = await it.next();
        if (aborted) throw new AbortError();
        if (r.done) break;
        parser.push(toBytes(r.value));
      }
    } else {
      // Decompressed size unknown: the entry arrays grow by doubling.
      parser = new MatrixMarketParser({ dtype: options.dtype });
      const gz = createGunzip({ chunkSize: 1 << 16 });
      gunzip = gz;
      // Errors reach us through the iteration below; this keeps a late one from going unhandled.
      gz.on('error', () => {});
      // Pump the compressed bytes into gunzip (respecting backpressure) while reading its output.
      const pump = (async () => {
        let chunk: Uint8Array | null = head;
        while (chunk !== null) {
          if (gz.destroyed) return;
          if (!gz.write(chunk)) await drainOrClose(gz);
          if (gz.destroyed) return;
          const r = await it.next();
          chunk = r.done ? null : toBytes(r.value);
        }
        if (!gz.destroyed) gz.end();
      })();
      pump.catch((err: unknown) => destroy(gz, err instanceof Error ? err : new Error(String(err))));
      try {
        for await (const out of gz) {
          if (aborted) throw new AbortError();
          parser.push(out as Uint8Array);
        }
      } catch (err) {
        if (aborted) throw new AbortError();
        const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
        if (typeof code === 'string' && code.startsWith('Z_')) throw gzipError(err);
        throw err;
      }
      await pump;
    }
    if (aborted) throw new AbortError();
    return parser.finish();
  } catch (err) {
    if (aborted) throw new AbortError();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    destroy(gunzip);
    // Stops and destroys the input when we leave early (error, abort); harmless after the end.
    await it.return?.();
  }
}
