/**
 * Smoke check benchmark: the passing fixture app checked from start to cleanup (copy, Python
 * start, health, every probe, stop, removal), alone and then N at once in a line of two. The line
 * should cost no more than the checks themselves: wall time against N x one check / 2.
 * Hooked into run.ts (BENCH_ONLY=smoke); BENCH_SMOKE_APPS sets N (default 20).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPython } from '../../daemon/checks/smoke/find-python';
import { probeNamespace } from '../../daemon/checks/smoke/network-isolation';
import { runSmokeCheck } from '../../daemon/checks/smoke/run-smoke-check';
import { createSmokeLimiter } from '../../daemon/checks/smoke/smoke-limiter';
import type { SmokeResult } from '../../daemon/checks/smoke/smoke-result';

const APP_DIR = resolve(__dirname, '../fixtures/apps/smoke-pass');
const CONCURRENCY = 2;

interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SmokeBenchResult {
  isolation: string;
  /** One check, start to cleanup (its durationMs), after a first one that finds the interpreter. */
  oneAppMs: Spread;
  apps: number;
  concurrency: number;
  wallMs: Spread;
  /** N x the median of one check / concurrency. */
  idealMs: number;
  ratio: Spread;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

async function checkOnce(limiter?: ReturnType<typeof createSmokeLimiter>): Promise<SmokeResult> {
  const template = JSON.parse(readFileSync(join(APP_DIR, 'template.json'), 'utf8'));
  const result = await runSmokeCheck({ appDir: APP_DIR, template, limiter });
  if (result.verdict !== 'passed') throw new Error(`bench check ${result.verdict}: ${result.reason}`);
  return result;
}

/** Undefined (with the reason printed) where no Python can run the app. */
export async function runSmokeBench(runs: number, apps: number): Promise<SmokeBenchResult | undefined> {
  const python = await findPython();
  if (!python.ok) {
    console.log(`  skipped: ${python.reason}`);
    return undefined;
  }
  const isolation = (await probeNamespace(python.executable)).usable ? 'namespace' : 'host';
  await checkOnce();
  const single: number[] = [];
  for (let i = 0; i < Math.max(runs, 5); i++) single.push((await checkOnce()).durationMs);
  const oneAppMs = spread(single);
  const idealMs = (apps * oneAppMs.median) / CONCURRENCY;
  const walls: number[] = [];
  for (let run = 0; run < runs; run++) {
    const limiter = createSmokeLimiter(CONCURRENCY);
    const started = performance.now();
    await Promise.all(Array.from({ length: apps }, () => checkOnce(limiter)));
    walls.push(performance.now() - started);
  }
  const wallMs = spread(walls);
  return {
    isolation,
    oneAppMs,
    apps,
    concurrency: CONCURRENCY,
    wallMs,
    idealMs,
    ratio: spread(walls.map((wall) => wall / idealMs)),
  };
}
