/**
 * Smoke check benchmark: a passing app checked from start to cleanup (copy, Python start, health,
 * every probe, stop, removal). First the demo's apps, as the simulator's well-behaved models write
 * them, one at a time; then the passing fixture app alone and N at once in a line of two. The line
 * should cost no more than the checks themselves: wall time against N x one check / 2. As a check
 * is mostly the app's Python starting, the machine's own parallelism is measured beside it: two
 * Python processes importing Flask at once against one alone (2.0 when nothing else runs).
 * Hooked into run.ts (BENCH_ONLY=smoke); BENCH_SMOKE_APPS sets N (default 20).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_MODELS, DEMO_TEMPLATES } from '../../cli/demo';
import { findPython } from '../../daemon/checks/smoke/find-python';
import { forkserverFor } from '../../daemon/checks/smoke/forkserver';
import { probeNamespace } from '../../daemon/checks/smoke/network-isolation';
import { runSmokeCheck } from '../../daemon/checks/smoke/run-smoke-check';
import { createSmokeLimiter } from '../../daemon/checks/smoke/smoke-limiter';
import type { SmokeResult } from '../../daemon/checks/smoke/smoke-result';
import { extractComponentFiles } from '../../daemon/merger/extract-files';
import { buildPrompt } from '../../daemon/prompts/build-prompt';
import { modelConvention } from '../../daemon/simulator/model-conventions';
import { simulatedReply } from '../../daemon/simulator/simulated-reply';
import { builtinTemplates } from '../../daemon/templates/builtin-templates';
import type { Template } from '../../daemon/templates/template';
import { validateTemplate } from '../../daemon/templates/validate-template';

const APP_DIR = resolve(__dirname, '../fixtures/apps/smoke-pass');
const CONCURRENCY = 2;
const run = promisify(execFile);

interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SmokeBenchResult {
  isolation: string;
  /** How each app started: forked from the fork server, or a new interpreter. */
  start: 'fork' | 'spawn';
  /** Each demo app (template x well-behaved demo model) checked alone, start to cleanup. */
  demoApps: { template: string; model: string; ms: number }[];
  demoAppMs: Spread;
  /** One check of the fixture app, start to cleanup (its durationMs), after a first one that finds the interpreter. */
  oneAppMs: Spread;
  apps: number;
  concurrency: number;
  wallMs: Spread;
  /** N x the median of one check / concurrency. */
  idealMs: number;
  ratio: Spread;
  /** Two Python starts at once against one alone (2 on idle cores), measured around each line. */
  startParallelism: Spread;
  /** CPU time (this process and the apps) per check, alone and in the line: what the line adds. */
  cpuMsPerCheck: { alone: number; inLine: Spread };
}

const CLOCK_TICKS = 100;
/** How the apps start: forked from the fork server (the default), or BENCH_SMOKE_START=spawn. */
const START: 'fork' | 'spawn' = process.env.BENCH_SMOKE_START === 'spawn' ? 'spawn' : 'fork';
let forkserverPid: number | undefined;

/** Clock ticks of CPU in fields `from`..`to` of /proc/<pid>/stat (after the command name). */
function ticks(pid: number | 'self', from: number, to: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    let sum = 0;
    for (let i = from; i <= to; i++) sum += Number(fields[i]);
    return sum;
  } catch {
    return 0;
  }
}

/**
 * CPU time (ms) of this process and of the checked apps: its children that ended (apps it
 * started) and the fork server with the children it reaped (apps it forked).
 */
function cpuMs(): number {
  const own = process.cpuUsage();
  const children = ticks('self', 13, 14);
  const forked = forkserverPid === undefined ? 0 : ticks(forkserverPid, 11, 14);
  return (own.user + own.system) / 1000 + ((children + forked) * 1000) / CLOCK_TICKS;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

async function checkOnce(
  appDir: string,
  template: { api_endpoints: Template['api_endpoints'] },
  limiter?: ReturnType<typeof createSmokeLimiter>,
): Promise<SmokeResult> {
  const result = await runSmokeCheck({ appDir, template, limiter, start: START });
  if (result.verdict !== 'passed')
    throw new Error(`bench check of ${appDir} ${result.verdict}: ${result.reason}`);
  return result;
}

function builtinTemplate(slug: string): Template {
  const file = builtinTemplates.find((candidate) => candidate.fileName === `${slug}.json`);
  const parsed = file && validateTemplate(file.data, file.fileName);
  if (!parsed?.ok) throw new Error(`no built-in template ${slug}`);
  return parsed.template;
}

/** The backend a simulated model writes for the template, as the merger extracts it, in a new app folder. */
function simulatedApp(root: string, template: Template, model: string): string {
  const prompt = buildPrompt({ template, component: 'backend' });
  const answer = simulatedReply(
    [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ],
    model,
  );
  const appDir = mkdtempSync(join(root, 'demo-app-'));
  for (const file of extractComponentFiles('backend', answer, 'stop')) {
    mkdirSync(dirname(join(appDir, file.path)), { recursive: true });
    writeFileSync(join(appDir, file.path), file.content);
  }
  return appDir;
}

/** Wall time of `count` Python processes importing Flask (most of what a check costs), started at once. */
async function pythonStarts(python: string, count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => run(python, ['-c', 'import flask, flask_cors'])));
  return performance.now() - started;
}

/** How many times as fast as one alone CONCURRENCY Python starts at once go: CONCURRENCY on idle cores. */
async function startParallelism(python: string): Promise<number> {
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < 3; i++) {
    one.push(await pythonStarts(python, 1));
    many.push(await pythonStarts(python, CONCURRENCY));
  }
  return (CONCURRENCY * spread(one).median) / spread(many).median;
}

/** Undefined (with the reason printed) where no Python can run the app. */
export async function runSmokeBench(runs: number, apps: number): Promise<SmokeBenchResult | undefined> {
  const python = await findPython();
  if (!python.ok) {
    console.log(`  skipped: ${python.reason}`);
    return undefined;
  }
  const isolation = (await probeNamespace(python.executable)).usable ? 'namespace' : 'host';
  const fixture = JSON.parse(readFileSync(join(APP_DIR, 'template.json'), 'utf8'));
  await checkOnce(APP_DIR, fixture);
  if (START === 'fork') forkserverPid = (await forkserverFor(python.executable))?.pid;

  const root = mkdtempSync(join(tmpdir(), 'appgen-bench-demo-apps-'));
  const demoApps: SmokeBenchResult['demoApps'] = [];
  try {
    const models = DEMO_MODELS.filter((model) => modelConvention(model, 0) === undefined);
    for (const slug of DEMO_TEMPLATES) {
      const template = builtinTemplate(slug);
      for (const model of models) {
        const appDir = simulatedApp(root, template, model);
        demoApps.push({ template: slug, model, ms: (await checkOnce(appDir, template)).durationMs });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const single: number[] = [];
  const cpuBefore = cpuMs();
  for (let i = 0; i < Math.max(runs, 5); i++) single.push((await checkOnce(APP_DIR, fixture)).durationMs);
  const cpuAlone = (cpuMs() - cpuBefore) / single.length;
  const oneAppMs = spread(single);
  const idealMs = (apps * oneAppMs.median) / CONCURRENCY;
  const walls: number[] = [];
  const parallelism: number[] = [];
  const cpuInLine: number[] = [];
  for (let i = 0; i < runs; i++) {
    parallelism.push(await startParallelism(python.executable));
    const limiter = createSmokeLimiter(CONCURRENCY);
    const started = performance.now();
    const cpuStarted = cpuMs();
    await Promise.all(Array.from({ length: apps }, () => checkOnce(APP_DIR, fixture, limiter)));
    walls.push(performance.now() - started);
    cpuInLine.push((cpuMs() - cpuStarted) / apps);
    parallelism.push(await startParallelism(python.executable));
  }
  return {
    isolation,
    start: START,
    demoApps,
    demoAppMs: spread(demoApps.map((app) => app.ms)),
    oneAppMs,
    apps,
    concurrency: CONCURRENCY,
    wallMs: spread(walls),
    idealMs,
    ratio: spread(walls.map((wall) => wall / idealMs)),
    startParallelism: spread(parallelism),
    cpuMsPerCheck: { alone: cpuAlone, inLine: spread(cpuInLine) },
  };
}
