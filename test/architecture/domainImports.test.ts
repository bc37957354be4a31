import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The domain decides and folds; it loads and appends nothing (issue 15 §3): it imports only its
 * own types and the pure policies. Loading, the decide loop and the services that run commands
 * are the application layer's (src/app/).
 */
describe('the domain imports only itself and the policies', () => {
  it('names no store, adapter, API or application module', () => {
    const outside = sourceFiles(join('src', 'domain')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((match) => normalize(join(dirname(file), match[1]!)))
        .filter(
          (target) =>
            !target.startsWith(join('src', 'domain')) && !target.startsWith(join('src', 'policies')),
        )
        .map((target) => `${file} → ${target}`),
    );
    expect(outside).toEqual([]);
  });
});
