/**
 * No module imports itself back at run time, through any chain: an import cycle makes load order
 * matter and hides which module owns what. Imports of types only are left out (they are erased).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const FOLDERS = ['daemon', 'shared', 'extension', 'cli', 'client'];
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gm;

function sources(folder: string, found: string[] = []): string[] {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) sources(path, found);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The local modules a file loads at run time. */
function runtimeImports(file: string): string[] {
  const imports: string[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const [, typeOnly, names = '', specifier = ''] = match;
    if (typeOnly || /^\{\s*(?:type\s+\w+(?:\s+as\s+\w+)?\s*,?\s*)+\}$/.test(names)) continue;
    const target = resolve(dirname(file), specifier);
    const resolved = [`${target}.ts`, join(target, 'index.ts')].find((candidate) => existsSync(candidate));
    if (resolved) imports.push(resolved);
  }
  return imports;
}

describe('module imports', () => {
  it('form no cycle at run time', () => {
    const files = FOLDERS.map((folder) => join(ROOT, folder))
      .filter((folder) => existsSync(folder))
      .flatMap((folder) => sources(folder));
    assert.ok(files.length > 100, 'the sources were found');
    const graph = new Map(files.map((file) => [file, runtimeImports(file)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(ROOT, f)).join(' -> '));
        } else if (!state.has(next)) {
          visit(next, path);
        }
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    assert.deepEqual(cycles, []);
  });
});
