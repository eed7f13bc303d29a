export { sinkhorn, sinkhornAsync, sinkhornBatch, type SinkhornProblem } from './sinkhorn.js';
export type { SinkhornMethod, SinkhornOptions, SinkhornIterationInfo, SnsOptions } from './options.js';
export type { SinkhornResult, PlanOptions } from './result.js';
