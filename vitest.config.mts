import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (pure renderers checked by the real tools), and the lab tests,
// which boot real containers, run one file at a time and share one lab per environment.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/lab/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          // Clears labs left by an interrupted run, and takes every lab down at the end.
          globalSetup: ['test/lab/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
