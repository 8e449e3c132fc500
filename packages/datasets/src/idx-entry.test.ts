import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Follows static relative imports from `entry`; returns the bare specifiers imported statically and dynamically. */
function reachableImports(entry: URL): { static: Set<string>; dynamic: Set<string> } {
  const seen = new Set<string>();
  const result = { static: new Set<string>(), dynamic: new Set<string>() };
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file.href)) continue;
    seen.add(file.href);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*'([^']+)'/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) queue.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
      else result.static.add(specifier);
    }
    for (const match of source.matchAll(/import\(\s*'([^']+)'\s*\)/g)) result.dynamic.add(match[1]!);
  }
  return result;
}

describe('module graph', () => {
  it('@tfkit/datasets/idx reaches only node: built-ins and @tfkit/core (no tfjs, no sharp)', () => {
    const imports = reachableImports(new URL('./idx.ts', import.meta.url));
    expect(imports.static.size).toBeGreaterThan(3);
    const allowed = (specifier: string) => specifier.startsWith('node:') || /^@tfkit\/core(\/node)?$/.test(specifier);
    expect([...imports.static].filter((specifier) => !allowed(specifier))).toEqual([]);
    expect([...imports.dynamic]).toEqual([]);
  });

  it('the main entry loads sharp only lazily, through import()', () => {
    const imports = reachableImports(new URL('./index.ts', import.meta.url));
    expect(imports.static.has('@tensorflow/tfjs')).toBe(true);
    expect(imports.static.has('sharp')).toBe(false);
    expect(imports.dynamic.has('sharp')).toBe(true);
  });

  it('@tfkit/datasets/idx is a subset of the main entry', async () => {
    const idx = await import('./idx.js');
    const main = await import('./index.js');
    for (const name of Object.keys(idx)) expect(main).toHaveProperty(name);
    expect(Object.keys(main)).toEqual(expect.arrayContaining(['imagesToTensor', 'imageFolder', 'batches']));
  });
});
