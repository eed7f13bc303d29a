import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortError, CsrMatrix, ParseError, parseMatrixMarket, readMatrixMarket, readMatrixMarketAsync } from '../../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));

function expectSame(B: CsrMatrix, A: CsrMatrix): void {
  expect([B.rows, B.cols, B.nnz, B.dtype]).toEqual([A.rows, A.cols, A.nnz, A.dtype]);
  expect(Array.from(B.rowPtr)).toEqual(Array.from(A.rowPtr));
  expect(Array.from(B.colIdx)).toEqual(Array.from(A.colIdx));
  expect(Array.from(B.values)).toEqual(Array.from(A.values));
}

/** Splits bytes into pieces at the given cut points. */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    if (c > prev) out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const CRLF = Buffer.from(
  '%%MatrixMarket matrix coordinate real symmetric\r\n% comment\r\n%%ext\r\n\r\n 4 4 5 \r\n1 1 1.25\r\n2 1 -3e-2\r\n% mid\r\n3 2\t.5\r\n4 4 1234567890.123456789\r\n4 1 -inf',
);

describe('lines split across chunk boundaries', () => {
  it('every chunk size from 1 to 40 gives the same matrix (sync file reader and in-memory parser)', () => {
    const ref = parseMatrixMarket(CRLF);
    expect(ref.nnz).toBe(8);
    for (let c = 1; c <= 40; c++) expectSame(parseMatrixMarket(CRLF, { chunkSize: c }), ref);
    for (const f of ['west0479.mtx', 'lagraph_comments_west0067.mtx', 'bcsstk13.mtx.gz']) {
      const whole = readMatrixMarket(dir + f);
      for (const c of [1, 2, 3, 5, 64, 1000]) {
        if (c < 5 && f === 'bcsstk13.mtx.gz') continue;
        expectSame(readMatrixMarket(dir + f, { chunkSize: c }), whole);
      }
    }
  });
  it('a string with non-ASCII comments splits safely', () => {
    const text = '%%MatrixMarket matrix coordinate real general\n% ünïcødé 𝄞 comment\n2 2 1\n2 2 7\n';
    for (let c = 1; c <= 12; c++) expect(parseMatrixMarket(text, { chunkSize: c }).get(1, 1)).toBe(7);
  });
  it('random cut points, async stream of Buffers (plain and gzip, gzip magic split too)', async () => {
    const ref = parseMatrixMarket(CRLF);
    const gz = gzipSync(CRLF);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        expectSame(await readMatrixMarketAsync(Readable.from(pieces(CRLF, cuts))), ref);
        expectSame(await readMatrixMarketAsync(Readable.from(pieces(gz, [1, ...cuts]))), ref);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

describe('readMatrixMarketAsync', () => {
  it('paths, plain and gzip, equal the sync reader; dtype honoured', async () => {
    for (const f of ['494_bus.mtx', 'bcsstk13.mtx.gz', 'ss_spqr_a00.mtx']) {
      expectSame(await readMatrixMarketAsync(dir + f), readMatrixMarket(dir + f));
      expectSame(await readMatrixMarketAsync(dir + f, { dtype: 'f32', chunkSize: 999 }), readMatrixMarket(dir + f, { dtype: 'f32' }));
    }
  });
  it('string chunks and an empty stream', async () => {
    const text = '%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n';
    const A = await readMatrixMarketAsync(Readable.from([text.slice(0, 10), text.slice(10)]));
    expect([A.get(0, 2), A.get(1, 0), A.nnz]).toEqual([1, 1, 2]);
    await expect(readMatrixMarketAsync(Readable.from([]))).rejects.toMatchObject({ line: 1, message: expect.stringMatching(/empty input/) });
  });
  it('parse errors carry the line', async () => {
    const text = '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n3 1 1\n';
    const err = await readMatrixMarketAsync(Readable.from([Buffer.from(text)])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).line).toBe(4);
  });
  it('corrupt and truncated gzip are ParseErrors (line 0)', async () => {
    const gz = gzipSync(readFileSync(dir + 'west0479.mtx'));
    const bad = Buffer.from(gz);
    bad[20] ^= 0xff;
    bad[40] ^= 0xff;
    await expect(readMatrixMarketAsync(Readable.from([bad]))).rejects.toMatchObject({ line: 0, message: expect.stringMatching(/invalid gzip data/) });
    await expect(readMatrixMarketAsync(Readable.from([gz.subarray(0, gz.length >> 1)]))).rejects.toBeInstanceOf(ParseError);
    expect(() => parseMatrixMarket(gz.subarray(0, gz.length >> 1))).toThrow(/invalid gzip data/);
  });
  it('a missing file rejects with the fs error', async () => {
    await expect(readMatrixMarketAsync(dir + 'no-such-file.mtx')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => readMatrixMarket(dir + 'no-such-file.mtx')).toThrow(/ENOENT/);
  });
  it('an already-aborted signal rejects with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(readMatrixMarketAsync(dir + 'west0479.mtx', { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });
  for (const gzip of [false, true]) {
    it(`aborting mid-stream rejects with AbortError and destroys the stream (${gzip ? 'gzip' : 'plain'})`, { timeout: 5000 }, async () => {
      const head = Buffer.from('%%MatrixMarket matrix coordinate real general\n100 100 50\n1 1 1\n');
      // A stream that delivers a first chunk and then stalls forever.
      const stalled = new Readable({ read() {} });
      stalled.push(gzip ? gzipSync(head).subarray(0, 30) : head);
      const ac = new AbortController();
      const p = readMatrixMarketAsync(stalled, { signal: ac.signal });
      setTimeout(() => ac.abort(), 30);
      await expect(p).rejects.toBeInstanceOf(AbortError);
      expect(stalled.destroyed).toBe(true);
    });
  }
  it('bad arguments are TypeErrors', async () => {
    await expect(readMatrixMarketAsync(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(readMatrixMarketAsync(dir + 'karate.mtx', { signal: {} as AbortSignal })).rejects.toBeInstanceOf(TypeError);
  });
});
