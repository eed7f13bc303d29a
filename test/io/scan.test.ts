import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMatrixMarket } from '../../src/index.js';
import { parseInteger, parseReal, realWasInvalid } from '../../src/io/scan.js';

const enc = new TextEncoder();
const real = (s: string) => {
  const b = enc.encode(` ${s} `);
  return parseReal(b, 1, b.length - 1);
};
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Every spelling of a double a writer might produce. */
const spellings = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 21 })).map(([x, f, p]) => {
  const out = [String(x), x.toExponential(), x.toExponential(f), x.toPrecision(p), x.toExponential().toUpperCase(), String(x).replace(/^0\./, '.').replace(/^-0\./, '-.')];
  if (Math.abs(x) < 1e21) out.push(x.toFixed(f));
  if (x >= 0) out.push(`+${String(x)}`, `000${String(x)}`);
  return out;
});

describe('float scanner equals parseFloat bit for bit', () => {
  it('random doubles written with toString / toExponential / toPrecision / toFixed', () => {
    fc.assert(
      fc.property(spellings, (texts) => {
        for (const t of texts) {
          const v = real(t);
          if (!same(v, parseFloat(t)) || realWasInvalid()) expect([t, v]).toEqual([t, parseFloat(t)]);
        }
      }),
      { seed: 42, numRuns: 20000 },
    );
  });
  it('random digit strings (many digits, long exponents, leading and trailing zeros)', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9'), minLength: 1, maxLength: 30 });
    const arb = fc.tuple(fc.constantFrom('', '-', '+'), digits, fc.option(digits), fc.option(fc.integer({ min: -400, max: 400 }))).map(
      ([s, a, b, e]) => `${s}${a}${b === null ? '' : `.${b}`}${e === null ? '' : `e${e}`}`,
    );
    fc.assert(
      fc.property(arb, (t) => {
        expect(same(real(t), parseFloat(t))).toBe(true);
      }),
      { seed: 42, numRuns: 20000 },
    );
  });
  it('hard cases', () => {
    const cases = [
      '9007199254740993', '9007199254740992.5', '2.2250738585072011e-308', '2.2250738585072014e-308', '4.9406564584124654e-324',
      '1.7976931348623157e308', '1.7976931348623159e308', '0.1', '0.30000000000000004', '123456789012345.6', '1234567890123456',
      '1e22', '1e23', '1e-22', '1e-23', '8.98846567431158e307', '0.000000000000000000000000000001', '100000000000000000000000',
      '1448997445238699', '.5e-0', '5.e+1', '-0.0', '0e999999',
    ];
    for (const t of cases) expect([t, real(t)]).toEqual([t, parseFloat(t)]);
  });
  it('malformed tokens are flagged; the nan word is not', () => {
    for (const t of ['', '+', '-', '.', 'e1', '1e', '1e+', '1.2.3', '1..2', '0x1', '1d5', 'in', 'infinit', 'nana', '1,5', '1 2']) {
      expect(Number.isNaN(real(t)) && realWasInvalid()).toBe(true);
    }
    expect(Number.isNaN(real('NaN')) && !realWasInvalid()).toBe(true);
  });
  it('integers: up to 15 digits exact, longer ones as Number() rounds them', () => {
    const int = (s: string) => parseInteger(enc.encode(s), 0, s.length);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), (n) => {
        expect(int(n.toString())).toBe(Number(n.toString()));
      }),
      { seed: 42, numRuns: 5000 },
    );
    for (const t of ['', '-', '1.0', '1e3', '0x1', ' 1']) expect(Number.isNaN(int(t))).toBe(true);
  });
  it('through the public parser, in one file', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 300 }), fc.boolean(), (xs, expo) => {
        const texts = xs.map((x) => (Number.isFinite(x) ? (expo ? x.toExponential() : String(x)) : String(x)));
        const text = `%%MatrixMarket matrix array real general\n${xs.length} 1\n${texts.join('\n')}\n`;
        const A = parseMatrixMarket(text, { chunkSize: 13 });
        xs.forEach((x, k) => {
          const want = parseFloat(texts[k]);
          if (want !== 0) expect(same(A.get(k, 0), want)).toBe(true);
        });
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
