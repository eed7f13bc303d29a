export { SparseError, ShapeError, FormatError, ParseError, BackendError, AbortError } from './errors.js';
export type { Dtype, Values } from './types.js';
export { getBackend, setBackend, type BackendName } from './backend/select.js';
export { runtimeInfo, setThreads, getThreads, type RuntimeInfo } from './runtime.js';
export { CsrMatrix, type CsrInput, type CsrOptions } from './formats/csr.js';
export { CscMatrix } from './formats/csc.js';
export { BsrMatrix, type BsrInput, type BsrOptions, type ToCsrOptions } from './formats/bsr.js';
export { CooBuilder } from './formats/coo.js';
export { DenseMatrix } from './formats/dense.js';
export { matvec, type MatvecOptions } from './ops/matvec.js';
export { matmat, type MatmatOptions } from './ops/matmat.js';
export { multiply } from './ops/multiply.js';
export { add, type AddOptions } from './ops/add.js';
export { scale, scaleRows, scaleCols } from './ops/scale.js';
export { rowSums, colSums, diagonal, normFrobenius } from './ops/reductions.js';
export { transpose, toCsc } from './ops/transpose.js';
export { matvecAsync, matmatAsync, multiplyAsync, transposeAsync, type AsyncOptions, type MatvecAsyncOptions, type MatmatAsyncOptions } from './ops/async.js';
export { readMatrixMarket, readMatrixMarketAsync, parseMatrixMarket, writeMatrixMarket, formatMatrixMarket } from './io/index.js';
export {
  sinkhorn,
  sinkhornAsync,
  sinkhornBatch,
  type SinkhornProblem,
  type SinkhornMethod,
  type SinkhornOptions,
  type SinkhornIterationInfo,
  type SnsOptions,
  type SinkhornResult,
  type PlanOptions,
} from './ot/index.js';
export { VERSION } from './version.js';
