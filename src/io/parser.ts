import { ParseError } from '../errors.js';
import type { CsrMatrix } from '../formats/csr.js';
import { MAX_INDEX, type Dtype } from '../types.js';
import { checkDtype } from '../util/check.js';
import { parseBanner, type MmHeader } from './banner.js';
import { EntryCollector } from './collector.js';
import { parseInteger, parseReal, realWasInvalid, tokenText } from './scan.js';

/** Options every reader takes. `chunkSize` is internal (tests use tiny chunks to split lines). */
export interface ReadOptions {
  /** Value type of the result (default 'f64'); f32 values are the doubles of the file rounded once. */
  dtype?: Dtype;
  /** @internal bytes per read; default 1 MiB. */
  chunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 1 << 20;

const enum Phase {
  Banner,
  Size,
  Entries,
}

/** Space, tab, CR, VT, FF (LF ends lines and never reaches a line). */
const WS = new Uint8Array(256);
WS[9] = WS[11] = WS[12] = WS[13] = WS[32] = 1;

const MAX_TOKENS = 4;

/**
 * Incremental Matrix Market parser: feed it byte chunks of any size with `push` (a line may be
 * split anywhere, even inside a UTF-8 sequence or between CR and LF), then call `finish`. It keeps
 * only the unfinished tail line between chunks (copied, so the caller may reuse its buffer) and the
 * growing entry arrays; each complete line is scanned in place in the chunk.
 *
 * Line handling: LF or CRLF line ends; leading and trailing blanks and tabs are ignored; blank
 * lines and lines whose first non-blank character is `%` (comments, `%%` extension lines) are
 * skipped anywhere after the banner, including between entries.
 */
export class MatrixMarketParser {
  private readonly dtype: Dtype;
  private line = 0;
  private carry = new Uint8Array(256);
  private carryLen = 0;
  private phase = Phase.Banner;
  private header: MmHeader | null = null;
  private rows = 0;
  private cols = 0;
  /** Entries (coordinate) or values (array) the size line promises. */
  private declared = 0;
  private seen = 0;
  private collector: EntryCollector | null = null;
  // Next position in array format (column-major).
  private ai = 0;
  private aj = 0;
  private readonly tokS = new Int32Array(MAX_TOKENS);
  private readonly tokE = new Int32Array(MAX_TOKENS);

  private readonly sizeHint: number;

  /** `sizeHint`: the input's size in bytes when known (sizes the entry arrays up front). */
  constructor(options: { dtype?: Dtype; sizeHint?: number } = {}) {
    this.dtype = checkDtype(options.dtype);
    this.sizeHint = options.sizeHint ?? 0;
  }

  push(chunk: Uint8Array): void {
    const len = chunk.length;
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.appendCarry(chunk, 0, len);
        return;
      }
      this.appendCarry(chunk, 0, nl);
      this.processLine(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    while (pos < len) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.appendCarry(chunk, pos, len);
        return;
      }
      this.processLine(chunk, pos, nl);
      pos = nl + 1;
    }
  }

  /** Ends the input: checks that nothing is missing and builds the canonical CSR. */
  finish(): CsrMatrix {
    if (this.carryLen > 0) {
      this.processLine(this.carry, 0, this.carryLen);
      this.carryLen = 0;
    }
    const eof = this.line + 1;
    if (this.phase === Phase.Banner) throw new ParseError(`empty input: missing '%%MatrixMarket' banner`, 1);
    if (this.phase === Phase.Size) {
      const h = this.header!;
      const want = h.format === 'coordinate' ? 'rows cols nnz' : 'rows cols';
      throw new ParseError(`unexpected end of input: missing the size line '${want}' after the banner and comments`, eof);
    }
    if (this.seen < this.declared) {
      const what = this.header!.format === 'coordinate' ? 'entries' : 'values';
      throw new ParseError(`unexpected end of input: expected ${this.declared} ${what}, found ${this.seen} (truncated file?)`, eof);
    }
    return this.collector!.finish(this.rows, this.cols);
  }

  private appendCarry(buf: Uint8Array, s: number, e: number): void {
    const need = this.carryLen + (e - s);
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, this.carry.length * 2));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(buf.subarray(s, e), this.carryLen);
    this.carryLen = need;
  }

  private processLine(buf: Uint8Array, s: number, e: number): void {
    const line = ++this.line;
    if (this.phase === Phase.Banner) {
      // The banner is the first line, exactly; one string for it is fine.
      const text = new TextDecoder().decode(buf.subarray(s, Math.min(e, s + 1024)));
      this.header = parseBanner(text, line);
      this.phase = Phase.Size;
      return;
    }
    // Tokenize in place: up to MAX_TOKENS token bounds are kept, the rest only counted.
    const tokS = this.tokS;
    const tokE = this.tokE;
    let count = 0;
    let p = s;
    while (p < e && WS[buf[p]] === 1) p++;
    if (p === e || buf[p] === 37) return; // blank or comment
    while (p < e) {
      const t = p;
      while (p < e && WS[buf[p]] === 0) p++;
      if (count < MAX_TOKENS) {
        tokS[count] = t;
        tokE[count] = p;
      }
      count++;
      while (p < e && WS[buf[p]] === 1) p++;
    }
    if (this.phase === Phase.Entries) {
      if (this.header!.format === 'coordinate') this.coordinateEntry(buf, count, line);
      else this.arrayValue(buf, count, line);
    } else {
      this.sizeLine(buf, count, line);
    }
  }

  private sizeLine(buf: Uint8Array, count: number, line: number): void {
    const h = this.header!;
    const coordinate = h.format === 'coordinate';
    const need = coordinate ? 3 : 2;
    if (count !== need) {
      throw new ParseError(
        `the size line must hold ${need} integers (${coordinate ? 'rows cols nnz' : 'rows cols'}) for the ${h.format} format, found ${count} field(s)`,
        line,
      );
    }
    const names = ['rows', 'cols', 'nnz'];
    const v = [0, 0, 0];
    for (let k = 0; k < need; k++) {
      const x = parseInteger(buf, this.tokS[k], this.tokE[k]);
      const text = tokenText(buf, this.tokS[k], this.tokE[k]);
      if (Number.isNaN(x)) throw new ParseError(`invalid ${names[k]} '${text}' on the size line: expected a non-negative integer`, line);
      if (x < 0 || Object.is(x, -0)) throw new ParseError(`negative ${names[k]} ${text} on the size line`, line);
      if (x > MAX_INDEX) {
        throw new ParseError(`${names[k]} = ${text} on the size line exceeds ${MAX_INDEX} (int32 indices cannot address more)`, line);
      }
      v[k] = x;
    }
    const [rows, cols] = v;
    if (h.symmetry !== 'general' && rows !== cols) {
      throw new ParseError(`a ${h.symmetry} matrix must be square, but the size line says ${rows}x${cols}`, line);
    }
    this.rows = rows;
    this.cols = cols;
    const mirrored = h.symmetry !== 'general';
    if (coordinate) {
      this.declared = v[2];
    } else {
      const n = rows;
      const total = h.symmetry === 'general' ? rows * cols : h.symmetry === 'symmetric' ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
      if (total > Number.MAX_SAFE_INTEGER) throw new ParseError(`an array of ${rows}x${cols} values is too large`, line);
      this.declared = total;
      this.ai = h.symmetry === 'skew-symmetric' ? 1 : 0;
      this.aj = 0;
    }
    // The shortest line an entry can take: "1 1\n" (pattern), "1 1 1\n", "1\n" (array).
    const minLine = coordinate ? (h.field === 'pattern' ? 4 : 6) : 2;
    const fit = Math.ceil(this.sizeHint / minLine) * (mirrored ? 2 : 1);
    this.collector = new EntryCollector(this.dtype, mirrored ? 2 * this.declared : this.declared, fit);
    this.phase = Phase.Entries;
  }

  private coordinateEntry(buf: Uint8Array, count: number, line: number): void {
    const h = this.header!;
    if (this.seen === this.declared) {
      throw new ParseError(`more entries than the ${this.declared} declared on the size line`, line);
    }
    const pattern = h.field === 'pattern';
    if (count !== (pattern ? 2 : 3)) {
      throw new ParseError(
        pattern
          ? `expected 2 fields (row col) in a pattern entry, found ${count}`
          : `expected 3 fields (row col value) in a ${h.field} entry, found ${count}`,
        line,
      );
    }
    const tokS = this.tokS;
    const tokE = this.tokE;
    const i = parseInteger(buf, tokS[0], tokE[0]);
    if (!(i >= 1 && i <= this.rows)) this.badIndex(buf, 0, i, 'row', this.rows, line);
    const j = parseInteger(buf, tokS[1], tokE[1]);
    if (!(j >= 1 && j <= this.cols)) this.badIndex(buf, 1, j, 'column', this.cols, line);
    let v = 1;
    if (!pattern) v = this.value(buf, 2, line);
    const c = this.collector!;
    const sym = h.symmetry;
    if (sym === 'general') {
      c.push(i - 1, j - 1, v, line);
    } else if (i === j) {
      if (sym === 'skew-symmetric' && v !== 0) {
        throw new ParseError(`nonzero diagonal entry (${i}, ${j}) = ${tokenText(buf, tokS[2], tokE[2])} in a skew-symmetric matrix`, line);
      }
      c.push(i - 1, j - 1, v, line);
    } else {
      c.push(i - 1, j - 1, v, line);
      c.push(j - 1, i - 1, sym === 'skew-symmetric' ? -v : v, line);
    }
    this.seen++;
  }

  private arrayValue(buf: Uint8Array, count: number, line: number): void {
    const h = this.header!;
    if (this.seen === this.declared) {
      throw new ParseError(`more values than the ${this.declared} the size line declares for a ${h.symmetry} array`, line);
    }
    if (count !== 1) throw new ParseError(`expected 1 value per line in the array format, found ${count}`, line);
    const v = this.value(buf, 0, line);
    const i = this.ai;
    const j = this.aj;
    if (v !== 0) {
      const c = this.collector!;
      c.push(i, j, v, line);
      if (i !== j && h.symmetry !== 'general') c.push(j, i, h.symmetry === 'skew-symmetric' ? -v : v, line);
    }
    this.seen++;
    if (i + 1 < this.rows) {
      this.ai = i + 1;
    } else {
      this.aj = j + 1;
      this.ai = h.symmetry === 'general' ? 0 : h.symmetry === 'symmetric' ? j + 1 : j + 2;
    }
  }

  private value(buf: Uint8Array, k: number, line: number): number {
    const s = this.tokS[k];
    const e = this.tokE[k];
    if (this.header!.field === 'integer') {
      const v = parseInteger(buf, s, e);
      if (Number.isNaN(v)) throw new ParseError(`invalid integer value '${tokenText(buf, s, e)}'`, line);
      return v;
    }
    const v = parseReal(buf, s, e);
    if (v !== v && realWasInvalid()) throw new ParseError(`invalid real value '${tokenText(buf, s, e)}'`, line);
    return v;
  }

  private badIndex(buf: Uint8Array, k: number, x: number, what: string, dim: number, line: number): never {
    const text = tokenText(buf, this.tokS[k], this.tokE[k]);
    if (Number.isNaN(x)) throw new ParseError(`invalid ${what} index '${text}': expected a positive integer`, line);
    throw new ParseError(`${what} index ${text} out of range [1, ${dim}]`, line);
  }
}
