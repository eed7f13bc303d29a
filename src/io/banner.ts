import { ParseError } from '../errors.js';

export type MmFormat = 'coordinate' | 'array';
export type MmField = 'real' | 'integer' | 'pattern';
export type MmSymmetry = 'general' | 'symmetric' | 'skew-symmetric';

/** What the `%%MatrixMarket` banner says, after validation (only the combinations this reader supports). */
export interface MmHeader {
  format: MmFormat;
  field: MmField;
  symmetry: MmSymmetry;
}

const FORMATS = ['coordinate', 'array'];
const FIELDS = ['real', 'integer', 'pattern', 'complex'];
const SYMMETRIES = ['general', 'symmetric', 'skew-symmetric', 'hermitian'];

/** True when `line` (already without its line end) starts with `%%MatrixMarket` (any case). */
export function isBannerLine(line: string): boolean {
  return /^%%matrixmarket(\s|$)/i.test(line);
}

/**
 * Parses the banner `%%MatrixMarket matrix <format> <field> <symmetry>`; the words are
 * case-insensitive (SuiteSparse writes `Hermitian`). Policy:
 * - a first line that is not a banner is an error at line 1 (no guessing from numbers);
 * - an unknown word is an error that names it (and the slot it was in);
 * - `complex` (with any symmetry) is refused: this library has no complex dtype;
 * - `hermitian` is only valid with `complex`, so with real/integer/pattern it is invalid;
 * - `array pattern` is invalid (a dense array must carry values);
 * - `pattern skew-symmetric` is invalid (a pattern has no values to negate; NIST's mm_is_valid agrees);
 * - extra words after the symmetry are refused, naming the first of them.
 */
export function parseBanner(line: string, lineNo: number): MmHeader {
  const text = line.replace(/^\uFEFF/, '').trim();
  if (!isBannerLine(text)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
    throw new ParseError(`missing '%%MatrixMarket' banner (the file starts with '${shown}')`, lineNo);
  }
  const words = text.split(/\s+/).slice(1);
  if (words.length < 4) {
    throw new ParseError(
      `the banner must read '%%MatrixMarket matrix <format> <field> <symmetry>', found only ${words.length} word(s) after '%%MatrixMarket'`,
      lineNo,
    );
  }
  const [objectW, formatW, fieldW, symmetryW] = words;
  const object = objectW.toLowerCase();
  const format = formatW.toLowerCase();
  const field = fieldW.toLowerCase();
  const symmetry = symmetryW.toLowerCase();
  if (object !== 'matrix') throw new ParseError(`unknown object '${objectW}' in the banner (only 'matrix' is supported)`, lineNo);
  if (!FORMATS.includes(format)) throw new ParseError(`unknown format '${formatW}' in the banner (expected 'coordinate' or 'array')`, lineNo);
  if (!FIELDS.includes(field)) {
    throw new ParseError(`unknown field '${fieldW}' in the banner (expected 'real', 'integer', 'pattern' or 'complex')`, lineNo);
  }
  if (!SYMMETRIES.includes(symmetry)) {
    throw new ParseError(
      `unknown symmetry '${symmetryW}' in the banner (expected 'general', 'symmetric', 'skew-symmetric' or 'hermitian')`,
      lineNo,
    );
  }
  if (words.length > 4) throw new ParseError(`unexpected word '${words[4]}' after the symmetry in the banner`, lineNo);
  if (field === 'complex') {
    throw new ParseError(`complex matrices are not supported (the banner says '${fieldW} ${symmetryW}')`, lineNo);
  }
  if (symmetry === 'hermitian') {
    throw new ParseError(`'hermitian' symmetry requires the 'complex' field, but the field is '${fieldW}'`, lineNo);
  }
  if (format === 'array' && field === 'pattern') {
    throw new ParseError(`'array pattern' is an invalid combination (a dense array must carry values)`, lineNo);
  }
  if (field === 'pattern' && symmetry === 'skew-symmetric') {
    throw new ParseError(`'pattern skew-symmetric' is an invalid combination (a pattern has no values to negate)`, lineNo);
  }
  return { format: format as MmFormat, field: field as MmField, symmetry: symmetry as MmSymmetry };
}
