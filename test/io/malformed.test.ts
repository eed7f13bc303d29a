import { describe, expect, it } from 'vitest';
import { CsrMatrix, ParseError, parseMatrixMarket } from '../../src/index.js';

const B = '%%MatrixMarket matrix coordinate real general\n';

/** The ParseError `text` raises (whole text, and fed one byte at a time). */
function parseError(text: string | Uint8Array): ParseError {
  let first: ParseError | undefined;
  for (const chunkSize of [undefined, 1]) {
    let err: unknown;
    try {
      parseMatrixMarket(text, { chunkSize });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    if (first) {
      expect((err as ParseError).message).toBe(first.message);
    } else {
      first = err as ParseError;
    }
  }
  return first!;
}

function expectError(text: string | Uint8Array, line: number, message: RegExp): void {
  const err = parseError(text);
  expect(err.line).toBe(line);
  expect(err.message).toMatch(message);
  expect(err.code).toBe('ERR_SPARSE_PARSE');
}

function dense(A: CsrMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) {
    const row: number[] = [];
    for (let j = 0; j < A.cols; j++) row.push(A.get(i, j));
    out.push(row);
  }
  return out;
}

describe('banner', () => {
  it('unknown words are named', () => {
    expectError('%%MatrixMarket matrix coordinate real generl\n1 1 0\n', 1, /unknown symmetry 'generl'/);
    expectError('%%MatrixMarket matrix coordinat real general\n1 1 0\n', 1, /unknown format 'coordinat'/);
    expectError('%%MatrixMarket matrix coordinate double general\n1 1 0\n', 1, /unknown field 'double'/);
    expectError('%%MatrixMarket vector coordinate real general\n1 1 0\n', 1, /unknown object 'vector'/);
    expectError('%%MatrixMarket matrix coordinate real general extra\n1 1 0\n', 1, /unexpected word 'extra'/);
  });
  it('too few words, wrong prefix, no banner, empty input', () => {
    expectError('%%MatrixMarket matrix coordinate real\n1 1 0\n', 1, /found only 3 word/);
    expectError('%MatrixMarket matrix coordinate real general\n1 1 0\n', 1, /missing '%%MatrixMarket' banner/);
    expectError('3 3 1\n1 1 1\n', 1, /missing '%%MatrixMarket' banner \(the file starts with '3 3 1'\)/);
    expectError('\n' + B + '1 1 0\n', 1, /missing '%%MatrixMarket' banner/);
    expectError('', 1, /empty input/);
    expectError(new Uint8Array(0), 1, /empty input/);
  });
  it('words are case-insensitive', () => {
    const A = parseMatrixMarket('%%matrixmarket MATRIX Coordinate REAL Symmetric\n2 2 1\n2 1 5\n');
    expect(dense(A)).toEqual([[0, 5], [5, 0]]);
  });
  it('invalid combinations', () => {
    expectError('%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n', 1, /complex matrices are not supported/);
    expectError('%%MatrixMarket matrix array complex hermitian\n1 1\n1 0\n', 1, /complex matrices are not supported/);
    expectError('%%MatrixMarket matrix coordinate integer hermitian\n1 1 0\n', 1, /'hermitian' symmetry requires the 'complex' field/);
    expectError('%%MatrixMarket matrix array pattern general\n1 1\n', 1, /'array pattern' is an invalid combination/);
    expectError('%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 1\n2 1\n', 1, /'pattern skew-symmetric' is an invalid combination/);
  });
  it('a UTF-8 byte order mark before the banner is ignored', () => {
    expect(parseMatrixMarket('\uFEFF' + B + '1 1 1\n1 1 7\n').get(0, 0)).toBe(7);
  });
});

describe('size line', () => {
  it('banner only, or banner and comments only: missing size line (never a hang)', () => {
    expectError(B, 2, /missing the size line 'rows cols nnz'/);
    expectError(B.trimEnd(), 2, /missing the size line/);
    expectError(B + '% a comment\n%%extension\n\n', 5, /missing the size line/);
    expectError('%%MatrixMarket matrix array real general\n% c\n', 3, /missing the size line 'rows cols'/);
  });
  it('wrong number of fields, non-integers, negative, too large', () => {
    expectError(B + '3 3\n', 2, /must hold 3 integers \(rows cols nnz\).*found 2/);
    expectError(B + '3 3 1 1\n', 2, /found 4/);
    expectError('%%MatrixMarket matrix array real general\n3 3 9\n', 2, /must hold 2 integers \(rows cols\)/);
    expectError(B + '3 3 2.5\n', 2, /invalid nnz '2.5'/);
    expectError(B + '3 x 2\n', 2, /invalid cols 'x'/);
    expectError(B + '-3 3 1\n', 2, /negative rows -3/);
    expectError(B + '3 -0 0\n', 2, /negative cols -0/);
    expectError(B + '3000000000 1 0\n', 2, /rows = 3000000000 .*exceeds 2147483647/);
    expectError(B + '3 3 2147483648\n', 2, /nnz = 2147483648 .*exceeds 2147483647/);
    expectError('%%MatrixMarket matrix coordinate real symmetric\n3 4 1\n', 2, /symmetric matrix must be square.*3x4/);
    expectError('%%MatrixMarket matrix array real skew-symmetric\n2 3\n', 2, /must be square/);
  });
  it('a huge declared nnz does not allocate it up front; the shortfall is reported', () => {
    expectError(B + '10 10 2000000000\n1 1 1\n', 4, /expected 2000000000 entries, found 1/);
  });
  it('empty shapes load: 0x0, 3x0, 0x4, 1x0, 3x4 with no entries', () => {
    for (const [r, c] of [[0, 0], [3, 0], [0, 4], [1, 0], [3, 4]]) {
      for (const text of [`${B}${r} ${c} 0\n`, `%%MatrixMarket matrix coordinate pattern general\n${r} ${c} 0`]) {
        const A = parseMatrixMarket(text);
        expect([A.rows, A.cols, A.nnz]).toEqual([r, c, 0]);
        expect(Array.from(A.rowPtr)).toEqual(new Array(r + 1).fill(0));
      }
      const Z = parseMatrixMarket(`%%MatrixMarket matrix array real general\n${r} ${c}\n` + '0\n'.repeat(r * c));
      expect([Z.rows, Z.cols, Z.nnz]).toEqual([r, c, 0]);
    }
  });
});

describe('coordinate entries', () => {
  it('too few entries (truncated file) names expected and found, at the line after the last', () => {
    expectError(B + '3 3 3\n1 1 1\n2 2 2\n', 5, /expected 3 entries, found 2/);
    expectError(B + '3 3 3\n1 1 1\n2 2 2', 5, /expected 3 entries, found 2/);
    expectError(B + '3 3 3\n', 3, /expected 3 entries, found 0/);
  });
  it('too many entries: error at the first extra line; trailing comments and blank lines are fine', () => {
    expectError(B + '3 3 2\n1 1 1\n2 2 2\n3 3 3\n', 5, /more entries than the 2 declared/);
    expectError(B + '3 3 0\n% nothing\n\n1 1 1\n', 5, /more entries than the 0 declared/);
    expect(parseMatrixMarket(B + '3 3 2\n1 1 1\n2 2 2\n% end\n\n  \n').nnz).toBe(2);
  });
  it('truncated last line (value missing)', () => {
    expectError(B + '3 3 3\n1 1 1\n2 2 2\n3 3', 5, /expected 3 fields \(row col value\) in a real entry, found 2/);
  });
  it('field counts must match the field', () => {
    expectError(B + '3 3 1\n1 1 1 1\n', 3, /expected 3 fields.*found 4/);
    expectError(B + '3 3 1\n1\n', 3, /expected 3 fields.*found 1/);
    const P = '%%MatrixMarket matrix coordinate pattern general\n';
    expectError(P + '3 3 1\n1 1 1\n', 3, /expected 2 fields \(row col\) in a pattern entry, found 3/);
    expect(parseMatrixMarket(P + '3 3 2\n1 1\n3 2\n').get(2, 1)).toBe(1);
  });
  it('0-based, negative and too large indices are out of range', () => {
    expectError(B + '3 4 1\n0 1 1\n', 3, /row index 0 out of range \[1, 3\]/);
    expectError(B + '3 4 1\n1 0 1\n', 3, /column index 0 out of range \[1, 4\]/);
    expectError(B + '3 4 2\n1 1 1\n4 1 1\n', 4, /row index 4 out of range \[1, 3\]/);
    expectError(B + '3 4 1\n1 5 1\n', 3, /column index 5 out of range \[1, 4\]/);
    expectError(B + '3 4 1\n-1 1 1\n', 3, /row index -1 out of range/);
    expectError(B + '3 4 1\n99999999999999999999 1 1\n', 3, /row index 99999999999999999999 out of range/);
  });
  it('non-numeric indices and values', () => {
    expectError(B + '3 4 1\n1.5 1 1\n', 3, /invalid row index '1.5'/);
    expectError(B + '3 4 1\nx 1 1\n', 3, /invalid row index 'x'/);
    for (const bad of ['abc', 'pi', '1.2.3', '1e', '1e+', '--1', '0x10', '1.0D+00', '.', '-', 'e5', 'infin', '1_000', '１']) {
      expectError(B + `3 4 2\n1 1 1\n2 2 ${bad}\n`, 4, new RegExp(`invalid real value '${bad.replace(/[.+]/g, '\\$&')}'`));
    }
    const I = '%%MatrixMarket matrix coordinate integer general\n';
    for (const bad of ['1.5', '1.0', '1e3', 'nan', 'inf', '+', '']) {
      if (bad === '') continue;
      expectError(I + `3 4 1\n1 1 ${bad}\n`, 3, /invalid integer value/);
    }
  });
  it('real values: decimal forms and the inf/nan words (case-insensitive, signed) are accepted', () => {
    const vals = ['1.5e-3', '-2.', '.25', '+7', '1E5', '-0', '00012.50', 'inf', '-Inf', '+INFINITY', 'nan', 'NaN', '-nan', '1e400', '-1e-400', '4.9e-324'];
    const text = B + `${vals.length} 1 ${vals.length}\n` + vals.map((v, k) => `${k + 1} 1 ${v}\n`).join('');
    const A = parseMatrixMarket(text);
    const got = Array.from({ length: vals.length }, (_, k) => A.get(k, 0) + 0);
    expect(got).toEqual([0.0015, -2, 0.25, 7, 1e5, 0, 12.5, Infinity, -Infinity, Infinity, NaN, NaN, NaN, Infinity, 0, 5e-324]);
  });
  it('integer values: big integers are kept as the nearest double', () => {
    const I = '%%MatrixMarket matrix coordinate integer general\n';
    const A = parseMatrixMarket(I + '1 3 3\n1 1 12345678901234567890\n1 2 -9007199254740993\n1 3 +42\n');
    expect([A.get(0, 0), A.get(0, 1), A.get(0, 2)]).toEqual([Number('12345678901234567890'), -9007199254740992, 42]);
  });
  it('duplicates are summed in general files', () => {
    const A = parseMatrixMarket(B + '2 2 3\n1 1 1\n1 1 2.5\n2 1 4\n');
    expect(dense(A)).toEqual([[3.5, 0], [4, 0]]);
    expect(A.nnz).toBe(2);
  });
  it('explicit zeros are stored', () => {
    const A = parseMatrixMarket(B + '2 2 1\n1 2 0\n');
    expect(A.nnz).toBe(1);
  });
});

describe('symmetric and skew-symmetric', () => {
  const S = '%%MatrixMarket matrix coordinate real symmetric\n';
  const K = '%%MatrixMarket matrix coordinate real skew-symmetric\n';
  it('symmetric: lower entries are mirrored, diagonal kept once', () => {
    expect(dense(parseMatrixMarket(S + '3 3 3\n1 1 1\n3 1 2\n3 2 3\n'))).toEqual([[1, 0, 2], [0, 0, 3], [2, 3, 0]]);
  });
  it('symmetric: upper-triangle entries are accepted and mirrored; (i,j) and (j,i) both given are summed', () => {
    expect(dense(parseMatrixMarket(S + '2 2 1\n1 2 5\n'))).toEqual([[0, 5], [5, 0]]);
    expect(dense(parseMatrixMarket(S + '2 2 2\n1 2 5\n2 1 1\n'))).toEqual([[0, 6], [6, 0]]);
  });
  it('skew-symmetric: mirrored negated; nonzero diagonal is an error, zero diagonal allowed', () => {
    expect(dense(parseMatrixMarket(K + '2 2 1\n2 1 3\n'))).toEqual([[0, -3], [3, 0]]);
    expect(parseMatrixMarket(K + '2 2 2\n2 1 3\n1 1 0\n').nnz).toBe(3);
    expectError(K + '2 2 2\n2 1 3\n2 2 1.5\n', 4, /nonzero diagonal entry \(2, 2\) = 1.5 in a skew-symmetric matrix/);
  });
});

describe('array format', () => {
  const A = '%%MatrixMarket matrix array real general\n';
  it('column-major, zeros not stored', () => {
    const M = parseMatrixMarket(A + '2 3\n1\n0\n0\n4\n5\n0\n');
    expect(dense(M)).toEqual([[1, 0, 5], [0, 4, 0]]);
    expect(M.nnz).toBe(3);
  });
  it('symmetric: lower triangle with diagonal, column by column', () => {
    const M = parseMatrixMarket('%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n');
    expect(dense(M)).toEqual([[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
  });
  it('skew-symmetric: strictly lower triangle, column by column', () => {
    const M = parseMatrixMarket('%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n2\n3\n');
    expect(dense(M)).toEqual([[0, -1, -2], [1, 0, -3], [2, 3, 0]]);
  });
  it('exact value count: too few / too many / two per line', () => {
    expectError(A + '2 2\n1\n2\n3\n', 6, /expected 4 values, found 3/);
    expectError(A + '2 2\n1\n2\n3\n4\n5\n', 7, /more values than the 4/);
    expectError(A + '2 2\n1 2\n3 4\n', 3, /expected 1 value per line in the array format, found 2/);
    expectError(A + '2 2\n1\nfoo\n', 4, /invalid real value 'foo'/);
  });
});

describe('lines: CRLF, comments, blanks, tabs', () => {
  it('CRLF line ends', () => {
    const text = '%%MatrixMarket matrix coordinate real general\r\n% c\r\n2 2 2\r\n1 1 1.5\r\n2 2 -2\r\n';
    const M = parseMatrixMarket(text);
    expect(dense(M)).toEqual([[1.5, 0], [0, -2]]);
    expectError('%%MatrixMarket matrix coordinate real general\r\n2 2 2\r\n1 1 1.5\r\n2 3 -2\r\n', 4, /column index 3 out of range/);
  });
  it('comments, %% lines and blank lines between entries; tabs and surrounding blanks', () => {
    const text = B + '% c\n\n 3\t3   3 \n% between\n1\t1\t1\n%%extension line\n\n  \t\n   2  2 2   \n\t3 3 3\t\r\n% trailing\n';
    const M = parseMatrixMarket(text);
    expect(dense(M)).toEqual([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expectError(B + '3 3 2\n% c\n\n1 1 1\n% c\n1 1 x\n', 7, /invalid real value 'x'/);
  });
  it('line numbers count comment and blank lines, and lines split across chunks', () => {
    const body = B + '% 1\n%2\n\n5 5 3\n\n1 1 1\n% x\n2 2 2\n9 1 1\n';
    expectError(body, 10, /row index 9 out of range \[1, 5\]/);
  });
  it('a corrupt gzip buffer is a ParseError without a line', () => {
    expectError(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5]), 0, /invalid gzip data/);
  });
  it('bad argument types are TypeErrors', () => {
    expect(() => parseMatrixMarket(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseMatrixMarket(B + '1 1 0\n', { dtype: 'f16' as 'f32' })).toThrow(TypeError);
  });
});
