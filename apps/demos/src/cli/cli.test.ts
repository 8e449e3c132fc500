import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { type CommandSpec, formatHelp, parseArguments } from './args.js';
import { createProgress } from './progress.js';
import { runCli } from './run-cli.js';
import { recordingOutput } from './test-output.js';

const spec: CommandSpec = {
  path: ['try'],
  summary: 'test command',
  positionals: { name: 'FILE...', description: 'files', variadic: true },
  options: [
    { name: 'episodes', type: 'integer', description: 'n', default: 10, min: 1 },
    { name: 'rate', type: 'number', description: 'r', greaterThan: 0 },
    { name: 'policy', type: 'string', description: 'p', choices: ['random', 'logic'] },
    { name: 'json', type: 'boolean', description: 'j' },
  ],
  examples: ['tfkit try --episodes 3'],
};

describe('parseArguments', () => {
  it('parses values, defaults, booleans, = syntax and positionals', () => {
    const parsed = parseArguments(spec, [
      'a.png',
      '--episodes',
      '3',
      '--rate=0.5',
      '--json',
      '--policy',
      'logic',
      'b.png',
    ]);
    expect(parsed.options).toMatchObject({ episodes: 3, rate: 0.5, json: true, policy: 'logic', seed: 0 });
    expect(parsed.positionals).toEqual(['a.png', 'b.png']);
    expect(parseArguments(spec, []).options.episodes).toBe(10);
  });

  it('rejects bad numbers, unknown options and choices with one clear message', () => {
    expect(() => parseArguments(spec, ['--episodes', 'abc'])).toThrow('--episodes must be an integer, got "abc".');
    expect(() => parseArguments(spec, ['--episodes', '1.5'])).toThrow(/must be an integer/);
    expect(() => parseArguments(spec, ['--episodes', '0'])).toThrow('--episodes must be >= 1, got 0.');
    expect(() => parseArguments(spec, ['--rate', '0'])).toThrow('--rate must be > 0');
    expect(() => parseArguments(spec, ['--rate', 'NaN'])).toThrow(/must be a number/);
    expect(() => parseArguments(spec, ['--seed', '-1'])).toThrow(/--seed must be >= 0/);
    expect(() => parseArguments(spec, ['--episods', '3'])).toThrow(
      /unknown option --episods .*Did you mean "episodes"\?/,
    );
    expect(() => parseArguments(spec, ['--policy', 'logik'])).toThrow(
      /not one of random, logic\. Did you mean "logic"\?$/,
    );
    expect(() => parseArguments(spec, ['--episodes'])).toThrow('--episodes needs a value');
    expect(() => parseArguments(spec, ['-x'])).toThrow(/unknown option "-x"/);
  });

  it('suggests close names only', () => {
    expect(() => parseArguments(spec, ['--episode', '3'])).toThrow(
      /unknown option --episode .*\. Did you mean "episodes"\?$/,
    );
    expect(() => parseArguments(spec, ['--zzzzzz'])).toThrow(/unknown option --zzzzzz for "tfkit try"\.$/);
  });

  it('formats help with every option and the examples', () => {
    const help = formatHelp(spec);
    for (const flag of ['--episodes', '--rate', '--policy', '--json', '--seed', '--help', 'tfkit try --episodes 3']) {
      expect(help).toContain(flag);
    }
  });
});

describe('progress', () => {
  it('prints plain lines every 10% off a terminal', () => {
    const output = recordingOutput(false);
    const progress = createProgress(output, { label: 'train', total: 100 });
    for (let done = 1; done <= 100; done++) progress.update(done);
    progress.finish('ok');
    const lines = output.err.trim().split('\n');
    expect(lines[0]).toBe('train: 10% (10/100)');
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toMatch(/^train: done in \d+s ok$/);
  });

  it('redraws a bar in place on a terminal', () => {
    const output = recordingOutput(true);
    let clock = 0;
    const progress = createProgress(output, { label: 'train', total: 4, now: () => clock });
    for (let done = 1; done <= 4; done++) {
      clock += 200;
      progress.update(done);
    }
    progress.finish();
    expect(output.err).toContain('\r');
    expect(output.err).toContain('[##########');
    expect(output.err.endsWith('\n')).toBe(true);
  });
});

describe('runCli', () => {
  it('prints global help and every command help with examples', async () => {
    const output = recordingOutput();
    expect(await runCli([], output, commands)).toBe(0);
    for (const command of commands) {
      expect(output.out).toContain(command.path.join(' '));
      const help = recordingOutput();
      expect(await runCli([...command.path, '--help'], help, commands)).toBe(0);
      expect(help.out).toContain('Examples:');
      expect(command.examples.length).toBeGreaterThan(0);
    }
  });

  it('fails with exit code 2 and one line for unknown commands and options', async () => {
    const output = recordingOutput();
    expect(await runCli(['bakend'], output, commands)).toBe(2);
    expect(output.err).toBe(
      'tfkit: error: unknown command "bakend"; commands: ' +
        `${[...new Set(commands.map((command) => command.path[0]))].join(', ')}. Did you mean "backend"? See "tfkit --help".\n`,
    );
    const option = recordingOutput();
    expect(await runCli(['backend', '--jsn'], option, commands)).toBe(2);
    expect(option.err.trim().split('\n')).toHaveLength(1);
  });

  it('reports the backend as JSON', async () => {
    const output = recordingOutput();
    expect(await runCli(['backend', '--json'], output, commands)).toBe(0);
    const facts = JSON.parse(output.out);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(facts.backend);
    expect(facts.tfjs).toBe('4.22.0');
  });
});

const builtCli = path.resolve(import.meta.dirname, '../../dist/cli.js');

describe.runIf(existsSync(builtCli))('built CLI (node dist/cli.js)', () => {
  it('exits 0 for --help and 2 with one stderr line for a bad number', () => {
    const help = spawnSync(process.execPath, [builtCli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: tfkit <command>');
    const bad = spawnSync(process.execPath, [builtCli, 'demo', '--episodes', 'ten'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('tfkit demo: error: --episodes must be an integer, got "ten". See "tfkit demo --help".\n');
  });
});
