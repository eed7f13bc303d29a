/**
 * Every error the library raises on purpose is a `SparseError`. A wrong JS type (a string where a
 * Float64Array belongs) is a plain `TypeError`, as in Node's core. Each class has a stable `code`.
 */
export class SparseError extends Error {
  readonly code: string;
  constructor(message: string, code = 'ERR_SPARSE') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Operand shapes do not fit together (matvec with a vector of the wrong length, A + B of other sizes). */
export class ShapeError extends SparseError {
  constructor(message: string) {
    super(message, 'ERR_SPARSE_SHAPE');
  }
}

/** A structure is malformed: row pointer not monotone, index out of range, unsorted where sorted is required, NaN where forbidden. */
export class FormatError extends SparseError {
  constructor(message: string) {
    super(message, 'ERR_SPARSE_FORMAT');
  }
}

/** A file or text could not be parsed; `line` is 1-based (0 when no line applies, e.g. a bad gzip stream). */
export class ParseError extends SparseError {
  readonly line: number;
  constructor(message: string, line: number) {
    super(line > 0 ? `line ${line}: ${message}` : message, 'ERR_SPARSE_PARSE');
    this.line = line;
  }
}

/** The native addon is required (SPARSE_LINALG_BACKEND=native) but could not be loaded. */
export class BackendError extends SparseError {
  constructor(message: string) {
    super(message, 'ERR_SPARSE_BACKEND');
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortError extends SparseError {
  constructor(message = 'The operation was aborted') {
    super(message, 'ABORT_ERR');
  }
}

/**
 * Turns an error thrown by the addon into the matching class. The binding throws plain errors whose
 * `code` is one of the codes above (or a TypeError/RangeError for wrong JS types); users never see
 * anything else.
 */
export function mapNativeError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof SparseError) return err;
  const code = (err as Error & { code?: unknown }).code;
  switch (code) {
    case 'ERR_SPARSE_SHAPE':
      return new ShapeError(err.message);
    case 'ERR_SPARSE_FORMAT':
      return new FormatError(err.message);
    case 'ERR_SPARSE_TOO_LARGE':
      return new SparseError(err.message, 'ERR_SPARSE_TOO_LARGE');
    case 'ERR_SPARSE_NO_MEMORY':
      return new SparseError(err.message, 'ERR_SPARSE_NO_MEMORY');
    case 'ABORT_ERR':
      return new AbortError(err.message);
    default:
      return err;
  }
}
