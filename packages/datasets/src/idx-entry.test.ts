import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Follows relative imports from `entry` and returns every bare module specifier reached. */
function bareImports(entry: URL): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file.href)) continue;
    seen.add(file.href);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) queue.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
      else bare.add(specifier);
    }
  }
  return bare;
}

describe('@tfkit/datasets/idx', () => {
  it('reaches only node: built-ins (no tfjs, no sharp)', () => {
    const imports = [...bareImports(new URL('./idx.ts', import.meta.url))];
    expect(imports.length).toBeGreaterThan(3);
    expect(imports.filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
  });

  it('is a subset of the main entry', async () => {
    const idx = await import('./idx.js');
    const main = await import('./index.js');
    for (const name of Object.keys(idx)) expect(main).toHaveProperty(name);
    expect(Object.keys(main)).toContain('imagesToTensor');
  });
});
