import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demos',
    environment: 'node',
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
