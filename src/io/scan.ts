/**
 * Byte-level scanners for the tokens of a Matrix Market line. They read the token [s, e) of a
 * byte array in place (no string per token on the fast path) and return NaN for a malformed token;
 * `parseReal` can also return a genuine NaN (the word `nan`), which `realWasInvalid()` tells apart.
 *
 * Float policy (real field): `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, and the
 * case-insensitive words `inf`, `infinity`, `nan` with an optional sign (scipy and SuiteSparse accept
 * them). Hex (`0x1p3`), Fortran `D` exponents, `_` separators and empty tokens are refused. Results
 * equal `Number(text)` / `parseFloat(text)` bit for bit: up to 15 significant digits with a decimal
 * exponent of magnitude <= 22 the value is one correctly rounded IEEE multiply or divide of two
 * exactly representable numbers (Clinger's fast path); anything else goes through `Number()`.
 */

const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

let invalid = false;

/** After `parseReal` returned NaN: true when the token was malformed, false when it was the word `nan`. */
export function realWasInvalid(): boolean {
  return invalid;
}

/** The token as text (for error messages only), shortened to 40 characters. */
export function tokenText(buf: Uint8Array, s: number, e: number): string {
  const text = new TextDecoder().decode(buf.subarray(s, Math.min(e, s + 64)));
  return text.length > 40 || e - s > 64 ? `${text.slice(0, 40)}...` : text;
}

// Buffer's latin1 decoder works on any Uint8Array and is about twice as fast as building the
// string a character at a time (the token is ASCII: its syntax was checked before).
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  return Number(latin1Slice.call(buf, s, e));
}

/** Lower-case ASCII word match of buf[s, e) against `word` (given in lower case). */
function wordIs(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((buf[s + k] | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/** A real number token; NaN with `realWasInvalid()` true when malformed. */
export function parseReal(buf: Uint8Array, s: number, e: number): number {
  invalid = false;
  let i = s;
  let neg = false;
  const c = buf[i];
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) {
    i++;
  }
  let m = 0;
  let nd = 0; // significant digits (leading zeros do not count)
  let exp = 0;
  let anyDigit = false;
  while (i < e) {
    const d = buf[i] - 48;
    if (d >>> 0 > 9) break;
    anyDigit = true;
    if (m !== 0 || d !== 0) {
      nd++;
      m = m * 10 + d;
    }
    i++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    while (i < e) {
      const d = buf[i] - 48;
      if (d >>> 0 > 9) break;
      anyDigit = true;
      if (m !== 0 || d !== 0) {
        nd++;
        m = m * 10 + d;
      }
      exp--;
      i++;
    }
  }
  if (!anyDigit) {
    const ws = neg || buf[s] === 43 ? s + 1 : s;
    if (wordIs(buf, ws, e, 'inf') || wordIs(buf, ws, e, 'infinity')) return neg ? -Infinity : Infinity;
    if (wordIs(buf, ws, e, 'nan')) return NaN;
    invalid = true;
    return NaN;
  }
  const slow = nd > 15;
  if (i < e && (buf[i] | 32) === 101) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 45 || buf[i] === 43)) {
      eneg = buf[i] === 45;
      i++;
    }
    const start = i;
    let ex = 0;
    while (i < e) {
      const d = buf[i] - 48;
      if (d >>> 0 > 9) break;
      if (ex < 100000) ex = ex * 10 + d;
      i++;
    }
    if (i === start) {
      invalid = true;
      return NaN;
    }
    exp += eneg ? -ex : ex;
  }
  if (i !== e) {
    invalid = true;
    return NaN;
  }
  let r: number;
  if (slow || exp > 22 || exp < -22) {
    // Correct rounding for everything outside the fast path; the syntax is already checked.
    return slowNumber(buf, s, e);
  } else if (exp >= 0) {
    r = m * POW10[exp];
  } else {
    r = m / POW10[-exp];
  }
  return neg ? -r : r;
}

/**
 * An integer token `[+-]?digits` as a double (exact up to 2^53, correctly rounded beyond, as
 * `Number(text)` does); NaN when malformed.
 */
export function parseInteger(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c = buf[i];
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) {
    i++;
  }
  if (i >= e) return NaN;
  let v = 0;
  const digitsStart = i;
  while (i < e) {
    const d = buf[i] - 48;
    if (d >>> 0 > 9) return NaN;
    v = v * 10 + d;
    i++;
  }
  if (e - digitsStart > 15) v = slowNumber(buf, digitsStart, e);
  return neg ? -v : v;
}
