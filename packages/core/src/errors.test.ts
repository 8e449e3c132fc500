import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeValue, hasMarker, TfkitError, TfkitOptionError } from './index.js';

const name = 'Tfkit_ExampleError';
const marker = Symbol.for(`tfkit.error.${name}`);
class ExampleError extends TfkitError {
  readonly [marker] = true;
  constructor({ message }: { message: string }) {
    super({ name, package: '@tfkit/example', message });
  }
  static override isInstance(error: unknown): error is ExampleError {
    return hasMarker(error, marker);
  }
}

describe('TfkitError', () => {
  it('prefixes the package, keeps the cause and the name', () => {
    const cause = new Error('disk full');
    const error = new TfkitError({ name: 'Tfkit_X', package: '@tfkit/gan', message: 'Could not save.', cause });
    expect(error.message).toBe('[@tfkit/gan] Could not save.');
    expect(error.name).toBe('Tfkit_X');
    expect(error.cause).toBe(cause);
    expect(error.package).toBe('@tfkit/gan');
    expect(new TfkitError({ name: 'Tfkit_Y', message: 'plain' }).message).toBe('plain');
  });

  it('tells subclasses apart by marker, not by instanceof', () => {
    const example = new ExampleError({ message: 'boom' });
    const option = new TfkitOptionError({
      package: '@tfkit/rl-agents',
      option: 'gamma',
      message: 'must be in [0, 1].',
      value: 2,
    });
    expect(TfkitError.isInstance(example)).toBe(true);
    expect(ExampleError.isInstance(example)).toBe(true);
    expect(ExampleError.isInstance(option)).toBe(false);
    expect(TfkitOptionError.isInstance(option)).toBe(true);
    expect(TfkitOptionError.isInstance(example)).toBe(false);
    expect(option.message).toBe('[@tfkit/rl-agents] Invalid option `gamma`: must be in [0, 1].');
    expect(option.option).toBe('gamma');
    expect(option.value).toBe(2);
    for (const value of [new Error('x'), null, undefined, 'Tfkit_OptionError', { name: 'Tfkit_OptionError' }]) {
      expect(TfkitError.isInstance(value)).toBe(false);
      expect(TfkitOptionError.isInstance(value)).toBe(false);
    }
  });

  it('recognises errors from another copy of the package (the built dist next to the source)', async () => {
    const dist = (await import('../dist/index.js')) as unknown as typeof import('./index.js');
    expect(dist.TfkitOptionError).not.toBe(TfkitOptionError);
    const fromDist = new dist.TfkitOptionError({ package: '@tfkit/x', option: 'seed', message: 'bad.' });
    expect(fromDist instanceof TfkitOptionError).toBe(false);
    expect(TfkitOptionError.isInstance(fromDist)).toBe(true);
    expect(TfkitError.isInstance(fromDist)).toBe(true);
    expect(
      dist.TfkitOptionError.isInstance(new TfkitOptionError({ package: '@tfkit/x', option: 'a', message: 'b' })),
    ).toBe(true);
  });

  it('describes values safely', () => {
    expect(describeValue('a')).toBe("'a' (string)");
    expect(describeValue(-0)).toBe('-0 (number)');
    expect(describeValue(new Float32Array(4))).toBe('Float32Array(4)');
    expect(describeValue([1, 2])).toBe('Array(2)');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(3n)).toBe('3n (bigint)');
  });
});

describe('main entry', () => {
  it('imports nothing from Node, tfjs or the DOM', () => {
    const built = readFileSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)), 'utf8');
    expect(built).not.toMatch(/from\s+['"](node:|fs|path|crypto|@tensorflow)/);
    expect(built).not.toMatch(/\b(require|document|window)\b/);
  });
});
