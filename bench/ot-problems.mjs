// The optimal-transport benchmark problems (bench/ot.mjs), deterministic: the same problems on every
// run and for the peer. Each returns { a, b, C } with uniform or density marginals and a dense cost.
import { lib } from './dist.mjs';

const { DenseMatrix } = lib;

// Deterministic generators (a small LCG: the same problems on every run and for the peer).
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
export function uniform(n) {
  return new Float64Array(n).fill(1 / n);
}
export function pointCloud(n, kind, seed) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r()]);
  const y = Array.from({ length: n }, () => [r(), r()]);
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = x[i][0] - y[j][0];
      const dy = x[i][1] - y[j][1];
      C[i * n + j] = kind === 'sq' ? dx * dx + dy * dy : Math.abs(dx) + Math.abs(dy);
    }
  }
  return { a: uniform(n), b: uniform(n), C: new DenseMatrix(n, n, C) };
}
export function randomCost(n, seed) {
  const r = rng(seed);
  return { a: uniform(n), b: uniform(n), C: new DenseMatrix(n, n, Float64Array.from({ length: n * n }, r)) };
}
export function densities(n, seed) {
  const k = Math.round(Math.sqrt(n));
  const r = rng(seed);
  const density = () => {
    const cx = r();
    const cy = r();
    const s = 0.1 + 0.2 * r();
    const out = new Float64Array(k * k);
    let t = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const x = (i + 0.5) / k - cx;
        const y = (j + 0.5) / k - cy;
        out[i * k + j] = Math.exp(-(x * x + y * y) / (2 * s * s)) + 1e-4;
        t += out[i * k + j];
      }
    }
    return out.map((v) => v / t);
  };
  const N = k * k;
  const C = new Float64Array(N * N);
  for (let p = 0; p < N; p++) {
    for (let q = 0; q < N; q++) {
      const dx = (Math.floor(p / k) - Math.floor(q / k)) / k;
      const dy = ((p % k) - (q % k)) / k;
      C[p * N + q] = dx * dx + dy * dy;
    }
  }
  return { a: density(), b: density(), C: new DenseMatrix(N, N, C) };
}
