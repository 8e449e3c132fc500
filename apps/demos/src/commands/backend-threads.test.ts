import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNodeProcess } from '@tfkit/backend/testing';
import { describe, expect, it } from 'vitest';

const builtCli = path.resolve(import.meta.dirname, '../../dist/cli.js');

/** Runs the built CLI on wasm; a run that does not exit on its own within 90 s is killed and reported. */
function runCli(args: string[], env: Record<string, string>) {
  return runNodeProcess([builtCli, ...args], { env: { TFKIT_BACKEND: 'wasm', ...env } });
}

describe.runIf(existsSync(builtCli))('tfkit backend on threaded wasm (node dist/cli.js)', () => {
  it('runs on every available core by default, reports the threads in use, and exits on its own', async () => {
    // An empty TFKIT_WASM_THREADS counts as unset.
    const run = await runCli(['backend', '--json'], { TFKIT_WASM_THREADS: '' });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    const facts = JSON.parse(run.stdout) as { backend: string; threads: number; reason: string };
    expect(facts.backend).toBe('wasm');
    expect(facts.threads).toBe(Math.min(os.availableParallelism(), 8));
    expect(facts.reason).toContain(`${facts.threads} thread`);
  });

  it('takes TFKIT_WASM_THREADS (2 threads even on a 2-core machine) and still exits on its own', async () => {
    const run = await runCli(['backend'], { TFKIT_WASM_THREADS: '2' });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('threads:  2 in use');
    expect(run.stdout).toContain('wasm (SIMD, 2 threads');
  });
});
