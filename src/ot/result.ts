import type { OtCost } from '../backend/types.js';
import { CsrMatrix } from '../formats/csr.js';
import { DenseMatrix } from '../formats/dense.js';
import { FormatError } from '../errors.js';
import type { Problem } from './options.js';
import { planPass, type Ctx, type Work } from './work.js';
import { zerosF64 } from '../memory.js';

export interface PlanOptions {
  /** Keep only the entries of the plan above this value (a CsrMatrix). */
  threshold: number;
}

export interface SinkhornResult {
  /** Row potentials (length n); -Infinity where a is zero. */
  f: Float64Array;
  /** Column potentials (length m); -Infinity where b is zero. */
  g: Float64Array;
  /** <C, P>. */
  cost: number;
  /** <C, P> + epsilon * sum P (log P - 1): the entropic objective (equal to the dual a.f + b.g - epsilon sum P at the optimum). */
  regularizedCost: number;
  /** ||P1 - a||_1 + ||P^T 1 - b||_1 of the returned potentials (one exact pass at the end). */
  marginalError: number;
  /** Sinkhorn and Newton iterations together. */
  iterations: number;
  newtonIterations: number;
  cgIterations: number;
  /** marginalError <= tol. */
  converged: boolean;
  /** The marginal error after each iteration (the first entry: the starting point). */
  history: number[];
  /** The plan P_ij = exp((f_i + g_j - C_ij)/epsilon), dense (zero at forbidden entries of a CSR cost). */
  plan(): DenseMatrix;
  /** The entries of the plan above `threshold` (only allowed entries for a CSR cost). */
  plan(options: PlanOptions): CsrMatrix;
}

function expand(v: Float64Array, map: Int32Array | null, size: number): Float64Array {
  if (map === null) return v.slice();
  const out = new Float64Array(size).fill(-Infinity);
  for (let i = 0; i < map.length; i++) out[map[i]] = v[i];
  return out;
}

function densePlan(C: OtCost, f: Float64Array, g: Float64Array, eps: number): DenseMatrix {
  const n = C.rows;
  const m = C.cols;
  const out = zerosF64(n * m);
  const inv = 1 / eps;
  if (C.kind === 'dense') {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] = Math.exp((f[i] + g[j] - C.data[i * m + j]) * inv);
  } else {
    for (let i = 0; i < n; i++) {
      for (let k = C.rowPtr[i]; k < C.rowPtr[i + 1]; k++) {
        const j = C.colIdx[k];
        out[i * m + j] = Math.exp((f[i] + g[j] - C.values[k]) * inv);
      }
    }
  }
  return new DenseMatrix(n, m, out);
}

function sparsePlan(C: OtCost, f: Float64Array, g: Float64Array, eps: number, threshold: number): CsrMatrix {
  const n = C.rows;
  const m = C.cols;
  const inv = 1 / eps;
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    if (C.kind === 'dense') {
      for (let j = 0; j < m; j++) {
        const p = Math.exp((f[i] + g[j] - C.data[i * m + j]) * inv);
        if (p > threshold) {
          cols.push(j);
          vals.push(p);
        }
      }
    } else {
      for (let k = C.rowPtr[i]; k < C.rowPtr[i + 1]; k++) {
        const j = C.colIdx[k];
        const p = Math.exp((f[i] + g[j] - C.values[k]) * inv);
        if (p > threshold) {
          cols.push(j);
          vals.push(p);
        }
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  return new CsrMatrix(n, m, rowPtr, Int32Array.from(cols), Float64Array.from(vals), { validate: false });
}

function makeResult(p: Problem, fields: Omit<SinkhornResult, 'plan'>): SinkhornResult {
  const { cost0, eps } = p;
  const { f, g } = fields;
  function plan(): DenseMatrix;
  function plan(options: PlanOptions): CsrMatrix;
  function plan(options?: PlanOptions): DenseMatrix | CsrMatrix {
    if (options === undefined) return densePlan(cost0, f, g, eps);
    if (options === null || typeof options !== 'object') throw new TypeError('plan options must be an object');
    const t = options.threshold;
    if (typeof t !== 'number') throw new TypeError('plan threshold must be a number');
    if (!(t >= 0) || t === Infinity) throw new FormatError(`plan threshold must be a finite non-negative number, got ${t}`);
    return sparsePlan(cost0, f, g, eps, t);
  }
  return { ...fields, plan };
}

/** A problem without mass (empty or all-zero marginals): nothing to transport. */
export function trivialResult(p: Problem): SinkhornResult {
  return makeResult(p, {
    f: new Float64Array(p.n0).fill(-Infinity),
    g: new Float64Array(p.m0).fill(-Infinity),
    cost: 0,
    regularizedCost: 0,
    marginalError: 0,
    iterations: 0,
    newtonIterations: 0,
    cgIterations: 0,
    converged: true,
    history: [0],
  });
}

/**
 * The exact marginal error, costs and the result object: one plan pass, or the solver's own last
 * one at these potentials (ctx.finalPass: the same pass, the same bits).
 */
export function* finish(ctx: Ctx): Work<SinkhornResult> {
  const { n, m, a, b, eps, st, p } = ctx;
  let r: Float64Array;
  let c: Float64Array;
  let stats: Float64Array;
  if (ctx.finalPass) {
    ({ r, c, stats } = ctx.finalPass);
  } else {
    r = new Float64Array(n);
    c = new Float64Array(m);
    stats = new Float64Array(2);
    yield* planPass(ctx, st.f, st.g, null, r, c, stats);
  }
  let err = 0;
  let mass = 0;
  for (let i = 0; i < n; i++) {
    err += Math.abs(r[i] - a[i]);
    mass += r[i];
  }
  for (let j = 0; j < m; j++) err += Math.abs(c[j] - b[j]);
  return makeResult(p, {
    f: expand(st.f, p.rowMap, p.n0),
    g: expand(st.g, p.colMap, p.m0),
    cost: stats[0],
    regularizedCost: stats[0] + eps * (stats[1] - mass),
    marginalError: err,
    iterations: st.iterations,
    newtonIterations: st.newtonIterations,
    cgIterations: st.cgIterations,
    converged: err <= p.tol,
    history: st.history,
  });
}
