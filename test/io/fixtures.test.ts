import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError, parseMatrixMarket, readMatrixMarket, readMatrixMarketAsync } from '../../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const path = (f: string) => dir + f;

// Each file read three ways (sync file reader, in-memory bytes, async stream) must agree.
async function loadAll(f: string) {
  const A = readMatrixMarket(path(f));
  const B = parseMatrixMarket(readFileSync(path(f)));
  const C = await readMatrixMarketAsync(path(f));
  for (const X of [B, C]) {
    expect(X.rows).toBe(A.rows);
    expect(X.cols).toBe(A.cols);
    expect(Array.from(X.rowPtr)).toEqual(Array.from(A.rowPtr));
    expect(Array.from(X.colIdx)).toEqual(Array.from(A.colIdx));
    expect(Array.from(X.values)).toEqual(Array.from(A.values));
  }
  return A;
}

describe('real matrices (SuiteSparse Matrix Collection)', () => {
  // [file, rows, cols, expanded nnz, spot values [i, j, v] 0-based, read by hand from the file]
  const cases: [string, number, number, number, [number, number, number][]][] = [
    // karate: pattern symmetric, "2 1" and "34 33" stored as lower triangle -> both triangles are 1
    ['karate.mtx', 34, 34, 156, [[1, 0, 1], [0, 1, 1], [33, 32, 1], [32, 33, 1], [0, 0, 0], [33, 8, 1], [8, 33, 1]]],
    ['jgl009.mtx', 9, 9, 50, [[0, 0, 1], [1, 0, 1], [3, 0, 1], [8, 8, 1], [7, 8, 1]]],
    // lp_afiro: "3 1 1", "4 2 1", "16 51 1", "27 50 1"
    ['lp_afiro.mtx', 27, 51, 102, [[2, 0, 1], [3, 1, 1], [15, 50, 1], [26, 49, 1], [0, 0, 0]]],
    ['ash219.mtx', 219, 85, 438, [[0, 0, 1], [1, 0, 1], [218, 84, 1], [171, 84, 1]]],
    // west0479: "25 1 1", "31 1 -.03764813", "381 479 .07148988"
    ['west0479.mtx', 479, 479, 1910, [[24, 0, 1], [30, 0, -0.03764813], [86, 0, -0.3442396], [380, 478, 0.07148988], [377, 478, 0.2883091]]],
    // 494_bus (symmetric): "1 1 2220.874", "16 1 -9.960159" (mirrored), "494 494 110.9479"
    ['494_bus.mtx', 494, 494, 1666, [[0, 0, 2220.874], [15, 0, -9.960159], [0, 15, -9.960159], [45, 0, -8.196721], [493, 493, 110.9479]]],
    // cage8: "1 1 .875", "2 1 .0375138335572935", "1015 1015 .166666666666667"
    ['cage8.mtx', 1015, 1015, 11003, [[0, 0, 0.875], [1, 0, 0.0375138335572935], [48, 0, 0.0458194997760398], [1014, 1014, 0.166666666666667]]],
    // bcsstk13 (gzip, symmetric): "1 1 277281165.183", "2 1 3101923.80092", "2003 2002 -1.86264514923e-9"
    ['bcsstk13.mtx.gz', 2003, 2003, 83883, [[0, 0, 277281165.183], [1, 0, 3101923.80092], [0, 1, 3101923.80092], [2002, 2001, -1.86264514923e-9], [2001, 2002, -1.86264514923e-9], [2002, 2002, 5552681.3139]]],
  ];
  for (const [f, rows, cols, nnz, spots] of cases) {
    it(f, async () => {
      const A = await loadAll(f);
      expect([A.rows, A.cols, A.nnz, A.dtype]).toEqual([rows, cols, nnz, 'f64']);
      for (const [i, j, v] of spots) expect(A.get(i, j)).toBe(v);
      const F = readMatrixMarket(path(f), { dtype: 'f32' });
      expect([F.rows, F.cols, F.nnz, F.dtype]).toEqual([rows, cols, nnz, 'f32']);
      for (const [i, j, v] of spots) expect(F.get(i, j)).toBe(Math.fround(v));
    });
  }

  it('bcsstk13.mtx.gz: gzip is detected by the magic bytes, not by the name', () => {
    const bytes = readFileSync(path('bcsstk13.mtx.gz'));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(parseMatrixMarket(bytes).nnz).toBe(83883);
  });
});

describe('edge-case files that load', () => {
  const cases: [string, number, number, number, [number, number, number][]][] = [
    ['lagraph_LFAT5_hypersparse.mtx', 2000, 2000, 46, [[0, 0, 1.57088], [3, 0, -94.2528], [0, 3, -94.2528], [4, 0, 0.78544], [1, 1, 1.25664e7], [13, 13, 1.57088], [1999, 1999, 0]]],
    ['lagraph_comments_west0067.mtx', 67, 67, 295, [[0, 0, NaN], [4, 0, -0.2788416], [54, 66, 1]]],
    ['lagraph_empty.mtx', 3, 4, 0, []],
    // explicit 0 at (4,3) is stored in both triangles: 10 entries -> 20
    ['lagraph_mangled_skew.mtx', 6, 6, 20, [[3, 0, 12], [0, 3, -12], [5, 4, 18], [4, 5, -18], [3, 2, 0], [2, 3, 0]]],
    ['lagraph_skew_int8.mtx', 6, 6, 20, [[3, 0, -12], [0, 3, 12], [5, 3, 125], [3, 5, -125], [0, 0, 0]]],
    ['ss_cholmod_rza.mtx', 3, 3, 6, [[1, 0, -13], [0, 1, 13], [2, 0, -32], [0, 2, 32], [2, 1, -17], [1, 2, 17]]],
    // array real skew-symmetric 2x2: the one strictly-lower value 3.4 is A[1,0]
    ['ss_cholmod_fullrza.mtx', 2, 2, 2, [[1, 0, 3.4], [0, 1, -3.4], [0, 0, 0]]],
    ['ss_cholmod_3by0.mtx', 3, 0, 0, []],
    ['ss_spqr_a00.mtx', 0, 0, 0, []],
    ['ss_spqr_a10.mtx', 1, 0, 0, []],
    ['ss_paru_a04.mtx', 0, 4, 0, []],
    // upper triangle stored under 'symmetric': "1 387 1" is mirrored to (387,1)
    ['tfdp_USPowerGrid_upper.mtx', 4941, 4941, 13188, [[0, 386, 1], [386, 0, 1], [1, 3553, 1], [3553, 1, 1], [4939, 4940, 1], [4940, 4939, 1]]],
  ];
  for (const [f, rows, cols, nnz, spots] of cases) {
    it(f, async () => {
      const A = await loadAll(f);
      expect([A.rows, A.cols, A.nnz]).toEqual([rows, cols, nnz]);
      // + 0: the sign of a zero is not part of the contract between backends
      for (const [i, j, v] of spots) expect(A.get(i, j) + 0).toBe(v + 0);
      expect(A.rowPtr.length).toBe(rows + 1);
    });
  }
});

describe('edge-case files that are rejected with a ParseError at the right line', () => {
  const cases: [string, number, RegExp][] = [
    ['lagraph_full_noheader.mtx', 1, /missing '%%MatrixMarket' banner/],
    ['lagraph_west0067_noheader.mtx', 1, /missing '%%MatrixMarket' banner/],
    ['lagraph_mangled1.mtx', 1, /unknown object 'mangled'/],
    ['lagraph_mangled2.mtx', 1, /unknown format 'mangled'/],
    ['lagraph_mangled4.mtx', 1, /unknown symmetry 'mangled'/],
    ['lagraph_mangled6.mtx', 1, /'hermitian' symmetry requires the 'complex' field/],
    ['lagraph_mangled8.mtx', 4, /size line must hold 3 integers.*found 1/],
    ['lagraph_mangled11.mtx', 5, /invalid column index 'zero'/],
    ['lagraph_mangled13.mtx', 7, /column index 9999 out of range \[1, 4\]/],
    ['lagraph_mangled15.mtx', 5, /expected 1 value per line in the array format, found 2/],
    ['lagraph_mangled_format.mtx', 1, /'array pattern' is an invalid combination/],
    ['ss_cholmod_mangle2.mtx', 1, /unknown format 'junk'/],
    ['ss_cholmod_mangle4.mtx', 1, /unknown symmetry 'junk'/],
    ['ss_cholmod_cha_Hermitian.mtx', 1, /complex matrices are not supported/],
    ['ss_cholmod_fullcsa.mtx', 1, /complex matrices are not supported/],
    ['ss_mongoose_bad_header.mtx', 1, /unknown symmetry 'bogus'/],
  ];
  for (const [f, line, message] of cases) {
    it(f, { timeout: 5000 }, async () => {
      for (const read of [() => readMatrixMarket(path(f)), () => parseMatrixMarket(readFileSync(path(f)), { chunkSize: 3 })]) {
        let err: unknown;
        try {
          read();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ParseError);
        expect((err as ParseError).line).toBe(line);
        expect((err as ParseError).message).toMatch(message);
        expect((err as ParseError).message.startsWith(`line ${line}: `)).toBe(true);
      }
      await expect(readMatrixMarketAsync(path(f))).rejects.toMatchObject({ line, message: expect.stringMatching(message) });
    });
  }
});
