import { defineConfig } from 'vitest/config';

// One run over every workspace project, so that `pnpm test` prints a single total.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/consumer-test'],
  },
});
