/**
 * `npm run bench`: how close the daemon comes to the physical limit (the model's latency) and how its
 * costs grow with the work. Runs the real bundled daemon against the simulator with fixed latencies,
 * each case several times, and prints medians with their spread; writes bench/results.json.
 * Never part of `npm test`. BENCH_RUNS (default 3), BENCH_QUICK=1 (smaller sizes), BENCH_ONLY (a
 * comma-separated choice of scheduling, disk, merge, history, cold, smoke, faults, ack, soak,
 * batch-scale, checks),
 * BENCH_SIZES and BENCH_CONCURRENCY (the scheduling case's N and C, comma-separated),
 * BENCH_SMOKE_APPS (the smoke case's N; BENCH_SMOKE_START=spawn starts each app's own interpreter
 * instead of forking it), BENCH_FAULT_JOBS (the faults case's N), BENCH_SOAK_JOBS
 * and BENCH_SOAK_SEED (the soak's size and its random choices), BENCH_BATCH_JOBS and
 * BENCH_REPORT_MODELS (the batch-scale case's sizes), BENCH_CHECKS_JOBS and BENCH_CHECKS_LATENCY_MS
 * (the checks case's N and L) adjust it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStore } from '../../daemon/app-store';
import { extractComponentFiles } from '../../daemon/merger/extract-files';
import { planAppMerge } from '../../daemon/merger/plan-app-merge';
import { assertNoSymlinkEscape } from '../../daemon/merger/symlink-guard';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { DAEMON_JS, spawnDaemon } from '../support/daemon-process';
import { batchScale, reportBuild } from './batch-scale-bench';
import { runChecksBatchBench } from './checks-batch-bench';
import { runFaultsBench } from './faults-bench';
import { runHistoryBench } from './history-bench';
import { startSimulatorThread } from './simulator-thread';
import { runSmokeBench } from './smoke-bench';
import { describeSoak, runSoak } from './soak-bench';
import { runStartAck } from './start-ack-bench';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const QUICK = process.env.BENCH_QUICK === '1';
const CASES = [
  'scheduling',
  'disk',
  'merge',
  'history',
  'cold',
  'smoke',
  'faults',
  'ack',
  'soak',
  'batch-scale',
  'checks',
] as const;
const ONLY = (process.env.BENCH_ONLY ?? CASES.join(',')).split(',').map((name) => name.trim());
for (const name of ONLY) {
  if (!(CASES as readonly string[]).includes(name)) {
    throw new Error(`BENCH_ONLY: unknown case "${name}"; the cases are ${CASES.join(', ')}`);
  }
}
const runs = (name: (typeof CASES)[number]): boolean => ONLY.includes(name);
const CALL_LATENCY_MS = 50;
/**
 * Where the benchmark's workspaces go. The figures are the daemon's own costs, so by default they
 * live in memory (/dev/shm): on some machines creating files in the system's temp folder costs
 * half a millisecond each and varies tenfold from run to run, which would measure the disk. One
 * case runs on disk too (`DISK_DIR`, inside the project) for comparison. BENCH_DIR overrides.
 */
const DISK_DIR = join(process.cwd(), 'bench', 'work');
const MEMORY_DIR = existsSync('/dev/shm') ? '/dev/shm' : DISK_DIR;
const WORK_DIR = mkdtempSync(join(process.env.BENCH_DIR ?? MEMORY_DIR, 'appgen-bench-'));

/** Runs `fn` with new workspaces (os.tmpdir()) made under `dir`. */
async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.TMPDIR;
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir;
  try {
    return await fn();
  } finally {
    process.env.TMPDIR = previous;
  }
}

interface Stat {
  median: number;
  min: number;
  max: number;
}

function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

function show(s: Stat, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}

const CLOCK_TICKS = 100; // Linux USER_HZ

/** CPU time (ms) of a process or one of its threads, from a /proc stat file. */
function cpuMsOf(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime + stime
}

/**
 * CPU time (ms) of a process, all threads and of its main thread alone (the JavaScript; the other
 * threads are V8's optimising compiler and garbage collector helpers and libuv's pool), and its
 * resident memory (MB), from /proc.
 */
function processUsage(pid: number): { cpuMs: number; mainCpuMs: number; rssMb: number } {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return {
    cpuMs: cpuMsOf(`/proc/${pid}/stat`),
    mainCpuMs: cpuMsOf(`/proc/${pid}/task/${pid}/stat`),
    rssMb: rssKb / 1024,
  };
}

interface SchedulingRow {
  jobs: number;
  concurrency: number;
  wallMs: Stat;
  idealMs: number;
  ratio: Stat;
  cpuMsPerJob: Stat;
  /** The part of cpuMsPerJob spent on the daemon's main thread. */
  mainThreadCpuMsPerJob: Stat;
  /**
   * The same batch run again on the same daemon, after the first: CPU per job and wall/ideal once
   * the process has compiled and optimised its code, without a new daemon's one-off costs.
   */
  warmCpuMsPerJob: Stat;
  warmRatio: Stat;
}

/** Runs a batch of `jobs` on an initialized daemon: its wall time, the daemon's CPU, the reply time. */
async function runBatch(
  daemon: ReturnType<typeof spawnDaemon>,
  jobs: number,
): Promise<{ wallMs: number; cpuMs: number; mainCpuMs: number; startMs: number }> {
  writeFileSync(
    join(daemon.workspace, 'appgen.batch.json'),
    JSON.stringify({ models: ['bench/model'], templates: ['crud_todo_list'], repeat: jobs }),
  );
  const pid = daemon.child.pid!;
  const before = processUsage(pid);
  const finished = new Set<string>();
  const allDone = new Promise<void>((resolve) => {
    // Replaces the handler of an earlier batch on the same daemon.
    daemon.connection.onNotification(P.GenerationChangedNotification, (job: Job) => {
      if (['succeeded', 'failed', 'cancelled'].includes(job.status)) {
        if (job.status !== 'succeeded') throw new Error(`bench job failed: ${JSON.stringify(job.error)}`);
        finished.add(job.id);
        if (finished.size === jobs) resolve();
      }
    });
  });
  const started = performance.now();
  await daemon.connection.sendRequest(P.BatchStartRequest, {});
  const startMs = performance.now() - started;
  await allDone;
  const wallMs = performance.now() - started;
  const after = processUsage(pid);
  return {
    wallMs,
    cpuMs: after.cpuMs - before.cpuMs,
    mainCpuMs: after.mainCpuMs - before.mainCpuMs,
    startMs,
  };
}

/** N jobs (two calls each) through a batch at concurrency C; wall time against N x 2 x L / C. */
async function scheduling(jobs: number, concurrency: number, responseBytes: number): Promise<SchedulingRow> {
  const walls: number[] = [];
  const cpus: number[] = [];
  const mainCpus: number[] = [];
  const warmWalls: number[] = [];
  const warmCpus: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Each answer is half of `responseBytes`: a job's two calls together bring that much.
    const sim = await startSimulatorThread({
      latencyMs: CALL_LATENCY_MS,
      answerBytes: responseBytes / 2,
      model: 'bench/model',
    });
    const daemon = spawnDaemon({
      env: {
        OPENROUTER_BASE_URL: sim.url,
        OPENROUTER_API_KEY: 'bench-key',
        GENERATION_MAX_CONCURRENT: String(concurrency),
      },
    });
    try {
      await daemon.initialize();
      const run = await runBatch(daemon, jobs);
      walls.push(run.wallMs);
      cpus.push(run.cpuMs / jobs);
      mainCpus.push(run.mainCpuMs / jobs);
      const warm = await runBatch(daemon, jobs);
      warmWalls.push(warm.wallMs);
      warmCpus.push(warm.cpuMs / jobs);
    } finally {
      await daemon.stop();
      await sim.close();
      rmSync(daemon.workspace, { recursive: true, force: true });
    }
  }
  const idealMs = (jobs * 2 * CALL_LATENCY_MS) / concurrency;
  return {
    jobs,
    concurrency,
    wallMs: stat(walls),
    idealMs,
    ratio: stat(walls.map((w) => w / idealMs)),
    cpuMsPerJob: stat(cpus),
    mainThreadCpuMsPerJob: stat(mainCpus),
    warmCpuMsPerJob: stat(warmCpus),
    warmRatio: stat(warmWalls.map((w) => w / idealMs)),
  };
}

/** Parse, validate and stage a 1 MB answer of 200 annotated files. */
async function mergeThroughput(): Promise<{ parseMs: Stat; planMs: Stat; stageMs: Stat; totalMs: Stat }> {
  const files = Array.from({ length: 200 }, (_, i) => {
    const body = `export function Part${i}() {\n${'  const value = compute(); // a line of generated code\n'.repeat(90)}  return null;\n}\n`;
    return `\`\`\`jsx src/components/Part${i}.jsx\nimport { compute } from '../lib/compute';\n${body}\`\`\`\n`;
  });
  const answer = `Here is the frontend.\n\n\`\`\`jsx src/App.jsx\nimport React from 'react';\nexport default function App() { return null; }\n\`\`\`\n${files.join('\n')}`;
  const parse: number[] = [];
  const plan: number[] = [];
  const stage: number[] = [];
  for (let run = 0; run < Math.max(RUNS, 5); run++) {
    const workspace = mkdtempSync(join(tmpdir(), 'appgen-bench-merge-'));
    try {
      let t = performance.now();
      const writes = extractComponentFiles('frontend', answer, 'stop');
      parse.push(performance.now() - t);
      t = performance.now();
      planAppMerge({ writes, readCurrent: () => undefined });
      plan.push(performance.now() - t);
      const store = new AppStore(workspace, join(workspace, '.appgen'));
      t = performance.now();
      await store.commit({
        jobId: `bench-${run}`,
        appPath: 'generated/apps/bench/app1',
        scaffold: () => [],
        plan: (readCurrent) => planAppMerge({ writes, readCurrent }),
        checkPath: assertNoSymlinkEscape,
      });
      stage.push(performance.now() - t);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }
  if (Buffer.byteLength(answer) < 1_000_000)
    throw new Error(`merge answer is only ${Buffer.byteLength(answer)} bytes`);
  return {
    parseMs: stat(parse),
    planMs: stat(plan),
    stageMs: stat(stage),
    totalMs: stat(parse.map((p, i) => p + plan[i]! + stage[i]!)),
  };
}

/** Spawn to `initialize` answered, on an empty workspace. */
async function coldStart(): Promise<Stat> {
  const times: number[] = [];
  for (let run = 0; run < Math.max(RUNS, 5); run++) {
    const started = performance.now();
    const daemon = spawnDaemon();
    await daemon.initialize();
    times.push(performance.now() - started);
    await daemon.stop();
    rmSync(daemon.workspace, { recursive: true, force: true });
  }
  return stat(times);
}

interface DaemonHistoryRow {
  rows: number;
  openMs: Stat;
  /** The first history/list of the 100 newest after the daemon opened the history. */
  listMs: Stat;
  /** The same request repeated (the median of LIST_REPEATS), as a sidebar refresh makes it. */
  listWarmMs: Stat;
  rssMb: Stat;
  /** A batch of HISTORY_BATCH_JOBS at C = 8 on that history: */
  batchCpuMsPerJob: Stat;
  batchRatio: Stat;
  /** batch/start answered (its jobs are recorded on disk first). */
  batchStartMs: Stat;
  /** The event loop's time in history saves (daemon/status), spread over the batch's jobs. */
  saveMsPerJob: Stat;
  /** Whole writes of the database file during the batch. */
  checkpoints: Stat;
}

const HISTORY_BATCH_JOBS = QUICK ? 100 : 1000;
const LIST_REPEATS = 20;

/**
 * The daemon on a workspace whose history holds `rows` jobs: open time, list time, memory, then
 * what a batch costs on top of that history, saves included.
 */
async function daemonWithHistory(rows: number): Promise<DaemonHistoryRow> {
  const { HistoryStore } = await import('../../daemon/history/history-store');
  const { loadSqlJs } = await import('../../daemon/history/load-sql-js');
  const sqlJs = await loadSqlJs(join(__dirname, '../../dist/sql-wasm.wasm'));
  const workspace = mkdtempSync(join(tmpdir(), 'appgen-bench-history-'));
  mkdirSync(join(workspace, '.appgen'), { recursive: true });
  const store = await HistoryStore.open({
    file: join(workspace, '.appgen', 'history.sqlite'),
    sqlJs,
    saveDelayMs: 3_600_000,
  });
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < rows; i++) {
    const created = new Date(start + i * 1000).toISOString();
    store.upsertJob({
      id: `row-${i}`,
      templateSlug: 'crud_todo_list',
      model: `vendor/model-${i % 10}`,
      modelSlug: `vendor_model-${i % 10}`,
      appNum: Math.floor(i / 10) + 1,
      appPath: `generated/apps/vendor_model-${i % 10}/app${Math.floor(i / 10) + 1}`,
      status: 'succeeded',
      attempts: 2,
      files: ['backend/app.py', 'frontend/src/App.jsx'],
      usage: { promptTokens: 1000, completionTokens: 3000, costUsd: 0.01 },
      createdAt: created,
      startedAt: created,
      finishedAt: created,
    });
  }
  await store.close();
  const seeded = readFileSync(join(workspace, '.appgen', 'history.sqlite'));
  rmSync(workspace, { recursive: true, force: true });
  const open: number[] = [];
  const list: number[] = [];
  const listWarm: number[] = [];
  const rss: number[] = [];
  const batchCpu: number[] = [];
  const batchRatio: number[] = [];
  const batchStart: number[] = [];
  const saveMs: number[] = [];
  const checkpoints: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Each run starts from the same history, in a workspace of its own.
    const runWorkspace = mkdtempSync(join(tmpdir(), 'appgen-bench-history-'));
    mkdirSync(join(runWorkspace, '.appgen'), { recursive: true });
    writeFileSync(join(runWorkspace, '.appgen', 'history.sqlite'), seeded);
    const sim = await startSimulatorThread({
      latencyMs: CALL_LATENCY_MS,
      answerBytes: 10_000,
      model: 'bench/model',
    });
    const started = performance.now();
    const daemon = spawnDaemon({
      workspace: runWorkspace,
      env: { OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: 'bench-key', GENERATION_MAX_CONCURRENT: '8' },
    });
    try {
      await daemon.initialize();
      open.push(performance.now() - started);
      const t = performance.now();
      const newest = await daemon.connection.sendRequest(P.HistoryListRequest, { limit: 100 });
      list.push(performance.now() - t);
      if (newest.length !== Math.min(100, rows)) throw new Error('history/list returned the wrong count');
      const repeated: number[] = [];
      for (let i = 0; i < LIST_REPEATS; i++) {
        const again = performance.now();
        await daemon.connection.sendRequest(P.HistoryListRequest, { limit: 100 });
        repeated.push(performance.now() - again);
      }
      listWarm.push(stat(repeated).median);
      rss.push(processUsage(daemon.child.pid!).rssMb);
      const before = (await daemon.connection.sendRequest(P.StatusRequest, {})).history!;
      const batch = await runBatch(daemon, HISTORY_BATCH_JOBS);
      const after = (await daemon.connection.sendRequest(P.StatusRequest, {})).history!;
      batchCpu.push(batch.cpuMs / HISTORY_BATCH_JOBS);
      batchRatio.push(batch.wallMs / ((HISTORY_BATCH_JOBS * 2 * CALL_LATENCY_MS) / 8));
      batchStart.push(batch.startMs);
      saveMs.push((after.saveBusyMs - before.saveBusyMs) / HISTORY_BATCH_JOBS);
      checkpoints.push(after.checkpoints - before.checkpoints);
    } finally {
      await daemon.stop();
      await sim.close();
      rmSync(runWorkspace, { recursive: true, force: true });
    }
  }
  return {
    rows,
    openMs: stat(open),
    listMs: stat(list),
    listWarmMs: stat(listWarm),
    rssMb: stat(rss),
    batchCpuMsPerJob: stat(batchCpu),
    batchRatio: stat(batchRatio),
    batchStartMs: stat(batchStart),
    saveMsPerJob: stat(saveMs),
    checkpoints: stat(checkpoints),
  };
}

/** A comma-separated list of whole numbers from the environment, or undefined when it is not set. */
function listFromEnv(name: string): number[] | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const values = text.split(',').map((part) => Number(part.trim()));
  if (!values.every((value) => Number.isInteger(value) && value > 0)) {
    throw new Error(`${name}: expected whole numbers above 0 separated by commas, got "${text}"`);
  }
  return values;
}

function growth(first: number, last: number, sizeFactor: number): string {
  const factor = last / first;
  if (factor < 1.5) return `flat (x${factor.toFixed(2)} over x${sizeFactor} work)`;
  if (factor < sizeFactor * 1.5) return `linear (x${factor.toFixed(2)} over x${sizeFactor} work)`;
  return `worse than linear (x${factor.toFixed(2)} over x${sizeFactor} work)`;
}

async function main(): Promise<void> {
  if (!DAEMON_JS) throw new Error('build first');
  process.env.TMPDIR = WORK_DIR;
  console.log(`Workspaces under ${WORK_DIR}`);
  const sizes = listFromEnv('BENCH_SIZES') ?? (QUICK ? [50, 200] : [50, 200, 1000]);
  const concurrencies = listFromEnv('BENCH_CONCURRENCY') ?? (QUICK ? [8] : [4, 8, 32]);
  const results: Record<string, unknown> = {
    runs: RUNS,
    callLatencyMs: CALL_LATENCY_MS,
    date: new Date().toISOString(),
  };

  const scheduling_: SchedulingRow[] = [];
  if (runs('scheduling')) {
    console.log(
      `\n1-2. Scheduling efficiency and daemon CPU per job (L = ${CALL_LATENCY_MS} ms per call, 20 KB answers)`,
    );
  }
  for (const jobs of runs('scheduling') ? sizes : []) {
    for (const concurrency of concurrencies) {
      const row = await scheduling(jobs, concurrency, 20_000);
      scheduling_.push(row);
      console.log(
        `  N=${String(jobs).padStart(4)} C=${String(concurrency).padStart(2)}  wall ${show(row.wallMs, 0)} ms  ideal ${row.idealMs.toFixed(0)} ms  wall/ideal ${show(row.ratio, 3)}  CPU ${show(row.cpuMsPerJob)} ms/job (main thread ${show(row.mainThreadCpuMsPerJob)})`,
      );
      console.log(
        `                 again on the same daemon: wall/ideal ${show(row.warmRatio, 3)}  CPU ${show(row.warmCpuMsPerJob)} ms/job`,
      );
    }
  }
  results.scheduling = scheduling_;
  if (runs('disk')) {
    const diskJobs = QUICK ? 200 : 1000;
    mkdirSync(DISK_DIR, { recursive: true });
    const onDisk = await inFolder(mkdtempSync(join(DISK_DIR, 'appgen-bench-')), () =>
      scheduling(diskJobs, 8, 20_000),
    );
    console.log(
      `\n  on disk (${DISK_DIR}): N=${diskJobs} C=8  wall/ideal ${show(onDisk.ratio, 3)}  CPU ${show(onDisk.cpuMsPerJob)} ms/job`,
    );
    results.schedulingOnDisk = onDisk;
  }

  if (runs('merge')) {
    console.log('\n3. Merge throughput (1 MB answer, 200 annotated files)');
    const merge = await mergeThroughput();
    console.log(
      `  parse ${show(merge.parseMs)} ms  plan ${show(merge.planMs)} ms  stage+commit ${show(merge.stageMs)} ms  total ${show(merge.totalMs)} ms`,
    );
    results.merge = merge;
  }

  const historyRows: DaemonHistoryRow[] = [];
  if (runs('history')) {
    console.log('\n4. History store (in process)');
    results.history = await runHistoryBench(QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000]);
    console.log('   History through the daemon');
  }
  for (const rows of !runs('history') ? [] : QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000]) {
    const row = await daemonWithHistory(rows);
    historyRows.push(row);
    console.log(
      `  rows ${String(rows).padStart(6)}  spawn to initialize ${show(row.openMs, 0)} ms  history/list 100 ${show(row.listMs)} ms (repeated ${show(row.listWarmMs)} ms)  RSS ${show(row.rssMb, 0)} MB`,
    );
    console.log(
      `               then ${HISTORY_BATCH_JOBS} jobs at C=8: saves ${show(row.saveMsPerJob, 3)} ms/job (${show(row.checkpoints, 0)} whole writes)  CPU ${show(row.batchCpuMsPerJob)} ms/job  wall/ideal ${show(row.batchRatio, 3)}  batch/start ${show(row.batchStartMs, 0)} ms`,
    );
  }
  if (runs('history')) results.daemonHistory = historyRows;

  if (runs('cold')) {
    console.log('\n5. Cold start (spawn to initialize answered, empty workspace)');
    const cold = await coldStart();
    console.log(`  ${show(cold, 0)} ms`);
    results.coldStartMs = cold;
  }

  if (runs('smoke')) {
    const apps = Number(process.env.BENCH_SMOKE_APPS ?? 20);
    console.log('\n5b. Smoke checks of passing apps (real Python)');
    const smoke = await runSmokeBench(RUNS, apps);
    if (smoke) {
      console.log(
        `  the demo's ${smoke.demoApps.length} apps (simulated), each start to cleanup: ${show(smoke.demoAppMs, 0)} ms (target <= 3000; ${smoke.isolation} network; apps ${smoke.start === 'fork' ? 'forked from the fork server' : 'each in a new interpreter'})`,
      );
      for (const app of smoke.demoApps)
        console.log(`    ${app.model} ${app.template}: ${app.ms.toFixed(0)} ms`);
      console.log(`  the fixture app, start to cleanup: ${show(smoke.oneAppMs, 0)} ms`);
      console.log(
        `  N=${apps} at C=${smoke.concurrency}: wall ${show(smoke.wallMs, 0)} ms  ideal ${smoke.idealMs.toFixed(0)} ms  wall/ideal ${show(smoke.ratio, 3)} (target <= 1.2)`,
      );
      console.log(
        `  the machine meanwhile, no line: a check while ${smoke.concurrency} independent checkers run side by side ${show(smoke.sideBySideMs, 0)} ms, ${show(smoke.machineSlowdown)} times one alone (1 on cores that run ${smoke.concurrency} checks as fast as one)`,
      );
      console.log(
        `  and loops of their own, the slower of ${smoke.concurrency} at once against one alone: computing ${show(smoke.loopSlowdown.compute)} (1 where the cores are given in full), forking ${show(smoke.loopSlowdown.fork)} (about the same where page tables scale)`,
      );
      console.log(
        `  the line against that: wall / (N x a check side by side / ${smoke.concurrency}) ${show(smoke.lineOverSideBySide, 3)} (what the line itself adds)`,
      );
      console.log(
        `  CPU per check (checker and app): ${smoke.cpuMsPerCheck.alone.toFixed(0)} ms alone, ${show(smoke.cpuMsPerCheck.inLine, 0)} ms in the line`,
      );
    }
    results.smoke = smoke ?? null;
  }

  if (runs('faults')) {
    const jobs = listFromEnv('BENCH_FAULT_JOBS')?.[0] ?? (QUICK ? 200 : 1000);
    console.log(
      `\n6. Under faults: N=${jobs} C=8 L=${CALL_LATENCY_MS} ms, a fifth of calls 503/429 with Retry-After: 1`,
    );
    const faultRuns = await runFaultsBench({
      jobs,
      concurrency: 8,
      latencyMs: CALL_LATENCY_MS,
      faultRate: 0.2,
      runs: RUNS,
    });
    const first = faultRuns[0]!;
    console.log(
      `  wall ${show(stat(faultRuns.map((r) => r.wallMs)), 0)} ms  fault-free ideal ${first.idealMs.toFixed(0)} ms  faults ${show(stat(faultRuns.map((r) => r.faults)), 0)} of ${show(stat(faultRuns.map((r) => r.calls)), 0)} calls`,
    );
    console.log(
      `  ideal + asked-for waits / C ${show(stat(faultRuns.map((r) => r.targetMs)), 0)} ms  wall / that ${show(stat(faultRuns.map((r) => r.wallMs / r.targetMs)), 3)} (target <= 2)`,
    );
    results.faults = faultRuns;
  }

  if (runs('ack')) {
    console.log('\n7. generation/start acknowledged, 50 jobs started one by one on an idle daemon');
    const ack = await runStartAck(50);
    console.log(
      `  median ${ack.medianMs.toFixed(1)} ms  p95 ${ack.p95Ms.toFixed(1)} ms  max ${ack.maxMs.toFixed(1)} ms (the first start, which also reads the model list: ${ack.firstMs.toFixed(1)} ms)`,
    );
    results.startAck = ack;
  }

  if (runs('soak')) {
    const jobs = Number(process.env.BENCH_SOAK_JOBS ?? (QUICK ? 100 : 1000));
    const seed = Number(process.env.BENCH_SOAK_SEED ?? Date.now() % 100_000);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new Error(`BENCH_SOAK_JOBS: expected a whole number, got ${jobs}`);
    console.log('\n8. Soak: faults, three SIGKILLs with restarts, then a final restart');
    const soak = await runSoak({ jobs, faultShare: 0.2, kills: 3, concurrency: 8, latencyMs: 20, seed });
    for (const line of describeSoak(soak)) console.log(line);
    results.soak = soak;
    if (soak.problems.length > 0) {
      // One line per kind of problem (ids and numbers left out), with how often and an example.
      const kinds = new Map<string, string[]>();
      for (const problem of soak.problems) {
        const kind = problem.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|gen-sim-\d+|\d+/g, '#');
        kinds.set(kind, [...(kinds.get(kind) ?? []), problem]);
      }
      for (const [kind, all] of kinds)
        console.error(`  SOAK FAILED x${all.length}: ${kind} (e.g. ${all[0]})`);
      throw new Error(`the soak broke ${soak.problems.length} invariant(s); seed ${seed}`);
    }
  }

  if (runs('batch-scale')) {
    const [jobs] = listFromEnv('BENCH_BATCH_JOBS') ?? [QUICK ? 10_000 : 100_000];
    const [reportModels] = listFromEnv('BENCH_REPORT_MODELS') ?? [20_000];
    console.log(`\n9. A batch of ${jobs} jobs (10 templates), started and cancelled while queued`);
    const row = await batchScale(jobs!);
    console.log(
      `  ${row.models} models: batch/start ${row.startMs.toFixed(0)} ms, all announced after ${(row.startCpuMs / 1000).toFixed(1)} s of daemon CPU (daemon/status waited up to ${row.startStatusMaxMs.toFixed(0)} ms)`,
    );
    console.log(
      `  batch/cancel ${row.cancelMs.toFixed(0)} ms, its report announced to this client after ${row.cancelReportedMs.toFixed(0)} ms and ${(row.cancelCpuMs / 1000).toFixed(1)} s of daemon CPU (daemon/status waited up to ${row.cancelStatusMaxMs.toFixed(0)} ms)  RSS ${row.rssMb.toFixed(0)} MB`,
    );
    const report = reportBuild(reportModels!, 1);
    console.log(
      `  report of ${report.models} models x ${report.templates} template: ${report.buildMs.toFixed(0)} ms (${report.buildCpuMs.toFixed(0)} ms of CPU)`,
    );
    results.batchScale = { ...row, report };
  }

  if (runs('checks')) {
    const [jobs] = listFromEnv('BENCH_CHECKS_JOBS') ?? [QUICK ? 50 : 100];
    const [latencyMs] = listFromEnv('BENCH_CHECKS_LATENCY_MS') ?? [200];
    console.log(
      `\n9b. A batch with static checks on and off: N=${jobs} C=8 L=${latencyMs} ms, the simulator's apps of five templates`,
    );
    const row = await runChecksBatchBench({ jobs: jobs!, concurrency: 8, latencyMs: latencyMs!, runs: RUNS });
    const of = (checks: boolean) => row.runs.filter((run) => run.checks === checks);
    const [off, on] = [of(false), of(true)];
    const ratio = (list: typeof off) => stat(list.map((run) => run.wallMs / row.idealMs));
    console.log(`  ideal ${row.idealMs.toFixed(0)} ms`);
    console.log(
      `  checks off: wall/ideal ${show(ratio(off), 3)}  daemon CPU ${show(stat(off.map((r) => r.cpuMsPerJob)))} ms/job`,
    );
    console.log(
      `  checks on:  wall/ideal ${show(ratio(on), 3)}  daemon CPU ${show(stat(on.map((r) => r.cpuMsPerJob)))} ms/job  last check ${show(stat(on.map((r) => r.checksTailMs)), 0)} ms after the last job`,
    );
    console.log(
      `  on / off: ${show(stat(on.map((run, i) => run.wallMs / off[i]!.wallMs)), 3)} (target <= 1.03)`,
    );
    results.checksBatch = row;
  }

  console.log('\n10. Growth from the smallest to the largest N');
  const c8 = scheduling_.filter((r) => r.concurrency === 8);
  if (c8.length >= 2) {
    const [a, b] = [c8[0]!, c8[c8.length - 1]!];
    const factor = b.jobs / a.jobs;
    console.log(`  wall/ideal at C=8: ${growth(a.ratio.median, b.ratio.median, factor)}`);
    console.log(`  CPU per job at C=8: ${growth(a.cpuMsPerJob.median, b.cpuMsPerJob.median, factor)}`);
    // Total CPU = fixed + N x marginal: the two largest sizes give both, which shows whether the
    // cost of one more job stays flat while a batch's one-off costs spread out.
    const [m, n] = [c8[c8.length - 2]!, c8[c8.length - 1]!];
    const marginal = (n.cpuMsPerJob.median * n.jobs - m.cpuMsPerJob.median * m.jobs) / (n.jobs - m.jobs);
    const fixed = m.cpuMsPerJob.median * m.jobs - marginal * m.jobs;
    console.log(
      `  CPU of one more job from N=${m.jobs} to N=${n.jobs} at C=8: ${marginal.toFixed(2)} ms; one-off cost per batch: ${fixed.toFixed(0)} ms`,
    );
    results.cpuGrowth = { marginalMsPerJob: marginal, fixedMsPerBatch: fixed };
  }
  if (historyRows.length >= 2) {
    const [a, b] = [historyRows[0]!, historyRows[historyRows.length - 1]!];
    const factor = b.rows / a.rows;
    console.log(`  daemon open time: ${growth(a.openMs.median, b.openMs.median, factor)}`);
    console.log(`  history/list 100: ${growth(a.listMs.median, b.listMs.median, factor)}`);
    console.log(`  history/list 100, repeated: ${growth(a.listWarmMs.median, b.listWarmMs.median, factor)}`);
    console.log(`  daemon RSS: ${growth(a.rssMb.median, b.rssMb.median, factor)}`);
    console.log(`  history saves per job: ${growth(a.saveMsPerJob.median, b.saveMsPerJob.median, factor)}`);
    console.log(`  batch/start: ${growth(a.batchStartMs.median, b.batchStartMs.median, factor)}`);
  }
  mkdirSync('bench', { recursive: true });
  rmSync(WORK_DIR, { recursive: true, force: true });
  rmSync(DISK_DIR, { recursive: true, force: true });
  writeFileSync(join('bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nWrote bench/results.json');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
