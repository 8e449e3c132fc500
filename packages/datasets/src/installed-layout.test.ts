import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDir } from './test-support/idx-fixtures.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(join(packageDir, 'dist', 'idx.js'));

// Runs after `pnpm build` (turbo's test task depends on build); a bare `vitest run` before any build skips it.
describe.skipIf(!built)('the built package, laid out as npm installs it', () => {
  it('finds the embedded subset relative to dist/ from node_modules', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'assets']));
    const project = temporaryDir('tfkit-installed-');
    const target = join(project, 'node_modules', '@tfkit', 'datasets');
    mkdirSync(target, { recursive: true });
    for (const entry of ['dist', 'assets', 'package.json'])
      cpSync(join(packageDir, entry), join(target, entry), { recursive: true });
    // its one runtime dependency that the IDX entry reaches, installed beside it as npm would
    const core = join(packageDir, '..', 'core');
    const coreTarget = join(project, 'node_modules', '@tfkit', 'core');
    mkdirSync(coreTarget, { recursive: true });
    for (const entry of ['dist', 'package.json'])
      cpSync(join(core, entry), join(coreTarget, entry), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"type":"module"}');
    const script = `
      const { loadFashionMnist, embeddedFashionMnistDir } = await import('@tfkit/datasets/idx');
      const test = await loadFashionMnist({ source: 'embedded', split: 'test' });
      console.log(JSON.stringify({ count: test.count, dir: embeddedFashionMnistDir() }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
    });
    const result = JSON.parse(output.trim().split('\n').pop()!);
    expect(result.count).toBe(1000);
    expect(result.dir).toBe(join(target, 'assets', 'fashion-mnist-subset') + '/');
  });
});
