import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/index.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  // The ESM build needs a working `import.meta.url` in CJS too: the addon loader derives the
  // package root from it, and without the shim CJS users would silently get the JS backend.
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  external: ['node-gyp-build'],
});
