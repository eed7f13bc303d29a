import { defineConfig } from 'vitest/config';

// One run, two projects: the same specs on the default backend (native when the addon loads, or
// whatever SPARSE_LINALG_BACKEND says) and forced onto the pure-TypeScript backend. The
// native-vs-JS comparisons only need to run once, in the first project.
const inherited = process.env.SPARSE_LINALG_BACKEND ?? 'auto';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: ['test/**/*.test.ts'],
          env: { SPARSE_LINALG_BACKEND: inherited },
        },
      },
      {
        extends: true,
        test: {
          name: 'js',
          include: ['test/**/*.test.ts'],
          exclude: ['test/compare/**', 'test/native/**', 'test/dist/**'],
          env: { SPARSE_LINALG_BACKEND: 'js' },
        },
      },
    ],
  },
});
