/**
 * Smoke check benchmark: a passing app checked from start to cleanup (copy, Python start, health,
 * every probe, stop, removal). First the demo's apps, as the simulator's well-behaved models write
 * them, one at a time; then the passing fixture app alone and N at once in a line of two. The line
 * should cost no more than the checks themselves: wall time against N x one check / 2. What the
 * machine itself gives two checks at once is measured beside each line, with no line involved: two
 * independent checker processes (smoke-checker-worker.ts), each with its own fork server, checking
 * side by side. On cores that run two such checks as fast as one, a check side by side takes as
 * long as one alone; the line's own cost is its wall time against N x a check side by side / 2.
 * Hooked into run.ts (BENCH_ONLY=smoke); BENCH_SMOKE_APPS sets N (default 20).
 */
import { execFile, spawn } from 'node:child_process';
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
const WORKER = resolve(__dirname, 'smoke-checker-worker.ts');
/** Checks each side-by-side checker runs per measurement. */
const SIDE_BY_SIDE_CHECKS = 10;

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
  /**
   * One check's time (start to cleanup) while CONCURRENCY independent checkers run side by side,
   * measured before and after each line: what this machine gives checks at once, with no line.
   */
  sideBySideMs: Spread;
  /** sideBySideMs / oneAppMs: 1 on cores that run two checks as fast as one. */
  machineSlowdown: Spread;
  /**
   * The same for two loops in processes of their own, measured around each line: the slower of
   * CONCURRENCY at once against one alone. `compute` makes no system calls: above 1, the machine
   * does not give its cores in full. `fork` forks and reaps processes: above `compute`, the kernel's
   * work on page tables (a check's fork, threads and exit) does not scale on this machine.
   */
  loopSlowdown: Record<Loop, Spread>;
  /** Wall time of each line against N x the side-by-side check / CONCURRENCY: what the line adds. */
  lineOverSideBySide: Spread;
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

/**
 * Two loops that time themselves in a process of their own and print their milliseconds: one that
 * only computes (about 0.3 s of one core), one that forks and reaps 200 processes, as a check's
 * fork, threads and exit ask the kernel to copy and drop page tables.
 */
const LOOPS = {
  compute: (python: string) => [
    python,
    '-c',
    'import time\nt = time.perf_counter()\ns = 0\nfor i in range(4_000_000): s ^= i * 31\nprint((time.perf_counter() - t) * 1000)',
  ],
  fork: (python: string) => [
    python,
    '-c',
    'import os, time\nt = time.perf_counter()\nfor _ in range(200):\n    pid = os.fork()\n    if pid == 0: os._exit(0)\n    os.waitpid(pid, 0)\nprint((time.perf_counter() - t) * 1000)',
  ],
};
type Loop = keyof typeof LOOPS;

/** The slowest of `count` loops started at once, as each timed itself. */
async function loopMs(loop: Loop, python: string, count: number): Promise<number> {
  const [command, ...args] = LOOPS[loop](python);
  const times = await Promise.all(
    Array.from({ length: count }, () => run(command!, args).then(({ stdout }) => Number(stdout.trim()))),
  );
  return Math.max(...times);
}

/** The slowest of CONCURRENCY loops at once against one alone (median of three each). */
async function loopSlowdown(loop: Loop, python: string): Promise<number> {
  const alone: number[] = [];
  const together: number[] = [];
  for (let i = 0; i < 3; i++) {
    alone.push(await loopMs(loop, python, 1));
    together.push(await loopMs(loop, python, CONCURRENCY));
  }
  return spread(together).median / spread(alone).median;
}

interface SideBySideChecker {
  /** Settles once its first check has found the interpreter and started its fork server. */
  ready: Promise<void>;
  /** The durations (ms) of its checks, once it was let go. */
  durations: Promise<number[]>;
  go(): void;
  stop(): void;
}

function startChecker(): SideBySideChecker {
  const worker = spawn(process.execPath, [...process.execArgv, WORKER, String(SIDE_BY_SIDE_CHECKS), START], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  worker.stdout.setEncoding('utf8');
  worker.stdout.on('data', (chunk: string) => {
    output += chunk;
    if (output.startsWith('ready\n')) markReady();
  });
  const durations = new Promise<number[]>((resolveDurations, reject) => {
    worker.on('error', reject);
    worker.on('close', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('[')) resolveDurations(JSON.parse(last) as number[]);
      else reject(new Error(`a side-by-side checker exited with ${code}`));
    });
  });
  // A checker that fails before it is ready fails the measurement instead of leaving it waiting.
  return {
    ready: Promise.race([ready, durations.then(() => {})]),
    durations,
    go: () => worker.stdin.end('go\n'),
    stop: () => worker.kill('SIGKILL'),
  };
}

/** Durations (ms) of the checks of CONCURRENCY independent checker processes let go together. */
async function sideBySide(): Promise<number[]> {
  const checkers = Array.from({ length: CONCURRENCY }, startChecker);
  try {
    await Promise.all(checkers.map((checker) => checker.ready));
    for (const checker of checkers) checker.go();
    return (await Promise.all(checkers.map((checker) => checker.durations))).flat();
  } catch (error) {
    for (const checker of checkers) checker.stop();
    throw error;
  }
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
  const sideBySideMs: number[] = [];
  const loops: Record<Loop, number[]> = { compute: [], fork: [] };
  const measureLoops = async () => {
    for (const loop of Object.keys(loops) as Loop[])
      loops[loop].push(await loopSlowdown(loop, python.executable));
  };
  const cpuInLine: number[] = [];
  const lineOverSideBySide: number[] = [];
  for (let i = 0; i < runs; i++) {
    await measureLoops();
    const before = spread(await sideBySide()).median;
    const limiter = createSmokeLimiter(CONCURRENCY);
    const started = performance.now();
    const cpuStarted = cpuMs();
    await Promise.all(Array.from({ length: apps }, () => checkOnce(APP_DIR, fixture, limiter)));
    walls.push(performance.now() - started);
    cpuInLine.push((cpuMs() - cpuStarted) / apps);
    const after = spread(await sideBySide()).median;
    await measureLoops();
    sideBySideMs.push(before, after);
    lineOverSideBySide.push(walls[walls.length - 1]! / ((apps * (before + after)) / 2 / CONCURRENCY));
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
    sideBySideMs: spread(sideBySideMs),
    machineSlowdown: spread(sideBySideMs.map((ms) => ms / oneAppMs.median)),
    loopSlowdown: { compute: spread(loops.compute), fork: spread(loops.fork) },
    lineOverSideBySide: spread(lineOverSideBySide),
    cpuMsPerCheck: { alone: cpuAlone, inLine: spread(cpuInLine) },
  };
}
