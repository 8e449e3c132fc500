import { defineProject } from 'vitest/config';
import packageJson from './package.json' with { type: 'json' };

export default defineProject({
  define: { __PACKAGE_VERSION__: JSON.stringify(packageJson.version) },
  test: {
    name: 'experiments',
    environment: 'node',
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
  },
});
