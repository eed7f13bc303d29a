// Problem generators and an exact solver for the optimal-transport tests.
import { DenseMatrix } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';

export function uniform(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

function points(rng: Rng, n: number, d = 2): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next()));
}

/** Cost between two random point clouds in the unit square: 'sq' squared Euclidean, 'l1' Manhattan. */
export function pointCloudCost(n: number, m: number, kind: 'sq' | 'l1', seed: number): DenseMatrix {
  const rng = new Rng(seed);
  const x = points(rng, n);
  const y = points(rng, m);
  const C = new DenseMatrix(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const dx = x[i][0] - y[j][0];
      const dy = x[i][1] - y[j][1];
      C.data[i * m + j] = kind === 'sq' ? dx * dx + dy * dy : Math.abs(dx) + Math.abs(dy);
    }
  }
  return C;
}

export function randomCost(n: number, m: number, seed: number): DenseMatrix {
  const rng = new Rng(seed);
  const C = new DenseMatrix(n, m);
  for (let k = 0; k < n * m; k++) C.data[k] = rng.next();
  return C;
}

/** Two smooth random densities on a k x k grid and the squared-Euclidean cost between grid cells. */
export function gridHistograms(k: number, seed: number): { a: Float64Array; b: Float64Array; C: DenseMatrix } {
  const rng = new Rng(seed);
  const density = (): Float64Array => {
    const cx = rng.next();
    const cy = rng.next();
    const s = 0.15 + 0.2 * rng.next();
    const out = new Float64Array(k * k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const x = (i + 0.5) / k - cx;
        const y = (j + 0.5) / k - cy;
        out[i * k + j] = Math.exp(-(x * x + y * y) / (2 * s * s)) + 1e-3;
        total += out[i * k + j];
      }
    }
    for (let t = 0; t < out.length; t++) out[t] /= total;
    return out;
  };
  const a = density();
  const b = density();
  const n = k * k;
  const C = new DenseMatrix(n, n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      const dx = (Math.floor(p / k) - Math.floor(q / k)) / k;
      const dy = ((p % k) - (q % k)) / k;
      C.data[p * n + q] = dx * dx + dy * dy;
    }
  }
  return { a, b, C };
}

/**
 * Minimum-cost perfect assignment of a square cost matrix (Hungarian algorithm with potentials,
 * O(n^3)). With uniform marginals 1/n the optimal transport cost is this sum divided by n
 * (Birkhoff: some optimal plan is a permutation).
 */
export function hungarian(C: DenseMatrix): number {
  const n = C.rows;
  if (C.cols !== n) throw new Error('square costs only');
  const cost = (i: number, j: number): number => C.data[(i - 1) * n + (j - 1)];
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0, j) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= n; j++) total += cost(p[j], j);
  return total;
}
