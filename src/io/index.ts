export { parseMatrixMarket, readMatrixMarket } from './read-sync.js';
export { readMatrixMarketAsync, type ReadAsyncOptions } from './read-async.js';
export { formatMatrixMarket, writeMatrixMarket, type WriteOptions, type WriteField, type WriteSymmetry } from './write.js';
export type { ReadOptions } from './parser.js';
