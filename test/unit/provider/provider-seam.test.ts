import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** The core modules that may know a provider only through `daemon/provider/`. */
const CORE = [
  'daemon/job-runner.ts',
  'daemon/generation-service.ts',
  'daemon/kept-answer.ts',
  'daemon/model-catalog.ts',
  'daemon/model-throttle.ts',
  'daemon/queue-pause.ts',
  'daemon/batch/cost-estimate.ts',
  'daemon/batch/batch-service.ts',
  'daemon/provider/model-provider.ts',
  'daemon/provider/chat-call.ts',
];

/** The repository files a module imports (type-only imports too), by relative specifier. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const base = resolve(ROOT, dirname(file), match[1]!);
    const target = [`${base}.ts`, join(base, 'index.ts'), base].find((path) => existsSync(path));
    if (target?.endsWith('.ts')) found.push(relative(ROOT, target).split('\\').join('/'));
  }
  return found;
}

/** Every path of imports from `start` into `daemon/openrouter/`, as chains of files. */
function pathsIntoOpenRouter(start: string): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>([start]);
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const next of importsOf(chain[chain.length - 1]!)) {
      if (next.startsWith('daemon/openrouter/')) found.push([...chain, next]);
      else if (!seen.has(next)) {
        seen.add(next);
        queue.push([...chain, next]);
      }
    }
  }
  return found;
}

describe('the model provider seam', () => {
  for (const file of CORE) {
    it(`${file} reaches no provider folder, directly or through what it imports`, () => {
      assert.deepEqual(
        pathsIntoOpenRouter(file).map((chain) => chain.join(' -> ')),
        [],
        'core modules name only the types of daemon/provider/',
      );
    });
  }

  it('OpenRouter implements the seam: main.ts wires it through its provider object', () => {
    const main = readFileSync(join(ROOT, 'daemon/main.ts'), 'utf8');
    const fromOpenRouter = [...main.matchAll(/from '\.\/openrouter\/([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(fromOpenRouter, ['openrouter-provider']);
  });
});
