import { AbortError } from '../errors.js';

/** The `signal` option of the async forms: undefined or an AbortSignal (TypeError otherwise). */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  return value;
}

/** AbortError whose `cause` is the signal's reason, as Node's own AbortError carries it. */
export function abortError(signal: AbortSignal): AbortError {
  const err = new AbortError();
  Object.defineProperty(err, 'cause', { value: signal.reason as unknown, configurable: true, writable: true, enumerable: false });
  return err;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Lets the event loop run (timers, I/O) before the next block of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
