import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = path.dirname(fileURLToPath(import.meta.url));

function librarySources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : librarySources(full);
    return entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name) ? [full] : [];
  });
}

describe('library sources stay portable', () => {
  const files = librarySources(sourceRoot);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it('use no Node built-ins, Node globals or Math.random (browser-safe, seeded)', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const relative = path.relative(sourceRoot, file);
      expect({ file: relative, nodeImport: /from ['"]node:|require\(/.test(text) }).toEqual({
        file: relative,
        nodeImport: false,
      });
      expect({ file: relative, nodeGlobal: /\bprocess\.|\bBuffer\b|__dirname/.test(text) }).toEqual({
        file: relative,
        nodeGlobal: false,
      });
      expect({
        file: relative,
        mathRandom: /Math\.random/.test(
          text.replace(/never `Math\.random`|no `Math\.random`|never uses `Math\.random`|not `Math\.random`/gi, ''),
        ),
      }).toEqual({
        file: relative,
        mathRandom: false,
      });
    }
  });

  it('imports nothing outside the package but @tfkit/core', () => {
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        expect({ file, specifier: match[1], allowed: match[1]!.startsWith('.') || match[1] === '@tfkit/core' }).toEqual(
          {
            file,
            specifier: match[1],
            allowed: true,
          },
        );
      }
    }
  });

  it('builds a dist that imports nothing but @tfkit/core (whose main entry is pure too)', () => {
    // `turbo run test` builds first; run `pnpm build` before `vitest` by hand.
    const distRoot = path.join(sourceRoot, '..', 'dist');
    const bundles = readdirSync(distRoot).filter((name) => name.endsWith('.js'));
    expect(bundles).toContain('index.js');
    const specifiers = new Set<string>();
    for (const bundle of bundles) {
      const text = readFileSync(path.join(distRoot, bundle), 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) specifiers.add(match[1]!);
    }
    expect([...specifiers].filter((specifier) => !specifier.startsWith('./'))).toEqual(['@tfkit/core']);
    const coreEntry = readFileSync(path.join(sourceRoot, '..', '..', 'core', 'src', 'index.ts'), 'utf8');
    expect(coreEntry).not.toMatch(/from ['"](node:|@tensorflow|\.\/node)/);
  });
});
