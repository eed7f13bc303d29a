// The async forms against the sync calls on the same inputs (medians, alternating sync and async
// calls), and how often a 1 ms timer fired while each async call ran (the event loop stays free).
//   node bench/async.mjs [--quick]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { lib } from './dist.mjs';
import { laplacian2d, randomUniform } from './matrices.mjs';

const quick = process.argv.includes('--quick');
const reps = quick ? 3 : 9;
const info = lib.runtimeInfo();
console.log(`# bench/async: backend ${info.backend}, simd ${info.simd}, threads ${info.threads}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);

const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

async function timed(run) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  clearInterval(timer);
  return { ms, ticks };
}

const lap = laplacian2d(quick ? 500 : 2000);
const rnd = randomUniform(quick ? 200_000 : 2_000_000, quick ? 200_000 : 2_000_000, 10, 1);
const lapSq = laplacian2d(quick ? 300 : 1000);
const rndSq = randomUniform(quick ? 50_000 : 200_000, quick ? 50_000 : 200_000, 10, 3);
const x = new Float64Array(rnd.cols).fill(1);
const cases = [
  [`transpose, 2D Laplacian ${lap.rows} rows`, () => lap.transpose(), () => lap.transposeAsync()],
  [`transpose, random ${rnd.rows} rows`, () => rnd.transpose(), () => rnd.transposeAsync()],
  [`A*A, 2D Laplacian ${lapSq.rows} rows`, () => lapSq.multiply(lapSq), () => lapSq.multiplyAsync(lapSq)],
  [`A*A, random ${rndSq.rows} rows`, () => rndSq.multiply(rndSq), () => rndSq.multiplyAsync(rndSq)],
  [`A*x, random ${rnd.rows} rows`, () => rnd.matvec(x), () => rnd.matvecAsync(x)],
];
for (const [name, sync, async] of cases) {
  const s = [];
  const a = [];
  const ticks = [];
  for (let r = 0; r < reps; r++) {
    s.push((await timed(sync)).ms);
    const t = await timed(async);
    a.push(t.ms);
    ticks.push(t.ticks);
  }
  const ms = median(a);
  console.log(`${name.padEnd(36)} sync ${median(s).toFixed(1).padStart(7)} ms  async ${ms.toFixed(1).padStart(7)} ms  timer fired ${median(ticks)} times`);
}
