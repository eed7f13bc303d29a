/**
 * One copy of a hot kernel per value type, so V8 keeps each copy's typed-array loads monomorphic.
 * Closures made from one function literal share their type feedback (and optimized code): a
 * kernel called with Float64Array and then Float32Array is compiled for both, and every element
 * load pays for the check (f32 SpMV ran 30% slower after an f64 call). Re-creating the function
 * from its source gives it feedback of its own.
 *
 * The kernel must be self-contained (no reference to anything outside its parameters and
 * globals): bundlers rename imports and coverage tools instrument code, and a copy compiled from
 * source sees none of that. `probe` runs the copy on a tiny input of the copy's own value type
 * (`V`; any other type would be in the copy's feedback from then on) and must return true when
 * the copy works; the original function is used where it does not (or where code generation from
 * strings is disallowed), which costs speed only.
 */
export function perDtype<F extends (...args: never[]) => unknown>(kernel: F, probe: Probe<F>): { f64: F; f32: F } {
  return { f64: copyOf(kernel, (f) => probe(f, Float64Array)), f32: copyOf(kernel, (f) => probe(f, Float32Array)) };
}

/** The value arrays' constructor of one dtype. */
export type ValuesType = Float64ArrayConstructor | Float32ArrayConstructor;
/** Runs a kernel copy on a tiny input of value type V; true when the copy works. */
export type Probe<F> = (copy: F, V: ValuesType) => boolean;

function copyOf<F extends (...args: never[]) => unknown>(kernel: F, probe: (copy: F) => boolean): F {
  // A fresh function with feedback of its own (the point of this module); a copy that referenced
  // something it cannot see fails its probe.
  return compiled(`return (${kernel.toString()});`, kernel, probe);
}

/**
 * perDtype for a kernel that exists only as generated source (`source` is a function body that
 * returns the kernel): one compiled copy per value type, or that type's fallback where compiling
 * fails or `probe` rejects the copy.
 */
export function perDtypeFromSource<F extends (...args: never[]) => unknown>(source: string, fallbacks: { f64: F; f32: F }, probe: Probe<F>): { f64: F; f32: F } {
  return { f64: compiled(source, fallbacks.f64, (f) => probe(f, Float64Array)), f32: compiled(source, fallbacks.f32, (f) => probe(f, Float32Array)) };
}

function compiled<F extends (...args: never[]) => unknown>(source: string, fallback: F, probe: (copy: F) => boolean): F {
  try {
    const copy = new Function(source)() as F;
    if (probe(copy)) return copy;
  } catch {
    // code generation from strings disallowed
  }
  return fallback;
}
