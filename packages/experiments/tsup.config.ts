import { defineConfig } from 'tsup';
import packageJson from './package.json' with { type: 'json' };

export default defineConfig({
  // pool-worker is the worker-thread entry that piscina loads by file name.
  entry: ['src/index.ts', 'src/distributed.ts', 'src/pool-worker.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  define: { __PACKAGE_VERSION__: JSON.stringify(packageJson.version) },
});
