import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'consumer',
    environment: 'node',
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
