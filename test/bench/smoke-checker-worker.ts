/**
 * One independent smoke checker for the smoke benchmark (smoke-bench.ts): its own process, its own
 * fork server, checking the passing fixture app one check after another. Started two at a time, it
 * measures what this machine gives two checks at once with no line between them.
 *
 * argv: the number of checks and how apps start (fork | spawn). Prints `ready` once a first check
 * has found the interpreter and started the fork server, waits for a line on stdin, then runs the
 * checks and prints their durations (ms) as one JSON array.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { runSmokeCheck } from '../../daemon/checks/smoke/run-smoke-check';

const APP_DIR = resolve(__dirname, '../fixtures/apps/smoke-pass');

async function check(template: unknown, start: 'fork' | 'spawn'): Promise<number> {
  const result = await runSmokeCheck({ appDir: APP_DIR, template: template as never, start });
  if (result.verdict !== 'passed') throw new Error(`bench check ${result.verdict}: ${result.reason}`);
  return result.durationMs;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  const start = process.argv[3] === 'spawn' ? 'spawn' : 'fork';
  const template = JSON.parse(readFileSync(join(APP_DIR, 'template.json'), 'utf8'));
  await check(template, start);
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((go) => lines.once('line', () => go()));
  lines.close();
  const durations: number[] = [];
  for (let i = 0; i < count; i++) durations.push(await check(template, start));
  process.stdout.write(`${JSON.stringify(durations)}\n`);
  // The fork server ends with its stdin, which this process holds: end it now.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
