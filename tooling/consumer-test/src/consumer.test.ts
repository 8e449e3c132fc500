// Packs every publishable package, installs the tarballs with plain npm into a scratch project
// outside the workspace (as a user would), and imports each one there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const packagesDir = path.join(root, 'packages');
const publishable = readdirSync(packagesDir)
  .map((dir) => path.join(packagesDir, dir))
  .filter((dir) => {
    try {
      return !JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).private;
    } catch {
      return false;
    }
  });

let scratch = '';
const names: string[] = [];

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'tfkit-consumer-'));
  const tarballs: string[] = [];
  for (const dir of publishable) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    names.push(manifest.name);
    const out = execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: dir, encoding: 'utf8' });
    const tarball = out.trim().split('\n').pop()!.trim();
    tarballs.push(path.isAbsolute(tarball) ? tarball : path.join(scratch, path.basename(tarball)));
  }
  writeFileSync(
    path.join(scratch, 'package.json'),
    JSON.stringify({ name: 'tfkit-consumer', private: true, type: 'module' }, null, 2),
  );
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '@tensorflow/tfjs@4.22.0', ...tarballs],
    { cwd: scratch, stdio: 'inherit' },
  );
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('packed packages in a plain npm project', () => {
  it('installs and imports every publishable package', () => {
    expect(names.length).toBeGreaterThanOrEqual(7);
    expect(names).toContain('@tfkit/core');
    const script = `
      const names = ${JSON.stringify(names)};
      for (const name of names) {
        const module = await import(name);
        if (typeof module.version !== 'string') throw new Error(name + ' exports no version');
        console.log(name, module.version, Object.keys(module).length);
      }
      const core = await import('@tfkit/core');
      const coreNode = await import('@tfkit/core/node');
      if (typeof coreNode.download !== 'function' || typeof coreNode.writeFileAtomic !== 'function') throw new Error('@tfkit/core/node is incomplete');
      const optionError = new core.TfkitOptionError({ package: '@tfkit/core', option: 'x', message: 'y' });
      if (!core.TfkitError.isInstance(optionError)) throw new Error('isInstance failed in the packed copy');
      const { ensureBackend } = await import('@tfkit/backend');
      const info = await ensureBackend({ log: false });
      console.log('backend', info.name);
    `;
    const output = execFileSync('node', ['--input-type=module', '-e', script], { cwd: scratch, encoding: 'utf8' });
    for (const name of names) expect(output).toContain(name);
    expect(output).toMatch(/backend (wasm|tensorflow|cpu)/);
  });
});
