/**
 * A batch of very many jobs, timed from the client: `batch/start` until it is answered, then
 * `batch/cancel` of every job until it is answered and until the batch's report is on disk. Every
 * job but one stays queued (the batch runs one at a time against a model that takes an hour), so
 * the figures are the daemon's bookkeeping alone. While each request is under way a second client
 * sends `daemon/status` over and over: the longest it waited is how long the daemon held a
 * request. Also the report's build time for a batch of many models, in process.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBatchReport } from '../../daemon/batch/batch-report';
import { socketPathFor } from '../../daemon/workspace-lock';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';
import { startSimulatorThread } from './simulator-thread';

export interface BatchScaleRow {
  jobs: number;
  models: number;
  templates: number;
  /** `batch/start` sent to its reply (every job recorded on disk). */
  startMs: number;
  /** The longest a `daemon/status` waited for its reply from `batch/start` until every job was announced. */
  startStatusMaxMs: number;
  /** The daemon's CPU time (all threads) from `batch/start` until every job was announced. */
  startCpuMs: number;
  /** `batch/cancel` sent to its reply. */
  cancelMs: number;
  /**
   * `batch/cancel` sent to the batch reported finished with its report on disk: the notification
   * that says so comes after the changes of every cancelled job, which the reply overtakes.
   */
  cancelReportedMs: number;
  /** The longest a `daemon/status` waited for its reply meanwhile. */
  cancelStatusMaxMs: number;
  /** The daemon's CPU time from `batch/cancel` until the report was on disk. */
  cancelCpuMs: number;
  /** The daemon's resident memory at the end, MB. */
  rssMb: number;
}

export interface ReportBuildRow {
  models: number;
  templates: number;
  jobs: number;
  buildMs: number;
  /** The CPU time of the build (the machine may be busy with other work). */
  buildCpuMs: number;
}

const TEMPLATES = [
  'crud_todo_list',
  'api_url_shortener',
  'kanban_board',
  'quiz_app',
  'markdown_notes',
  'auth_user_login',
  'booking_calendar',
  'expense_splitter',
  'inventory_tracker',
  'realtime_chat',
];

/** Builds the report of a finished batch of `models` models x `templates` templates. */
export function reportBuild(models: number, templates: number): ReportBuildRow {
  const jobs: Job[] = [];
  for (let m = 0; m < models; m++) {
    for (let t = 0; t < templates; t++) {
      const i = jobs.length;
      jobs.push({
        id: `job-${i}`,
        batchId: 'bench',
        templateSlug: TEMPLATES[t % TEMPLATES.length]!,
        model: `bench/model-${m}`,
        modelSlug: `bench_model-${m}`,
        appNum: t + 1,
        appPath: `generated/apps/bench_model-${m}/app${t + 1}`,
        status: i % 5 === 0 ? 'failed' : 'succeeded',
        phase: i % 5 === 0 ? 'failed' : 'succeeded',
        attempts: 1,
        createdAt: '2026-01-01T00:00:00.000Z',
        startedAt: '2026-01-01T00:00:01.000Z',
        finishedAt: '2026-01-01T00:00:09.000Z',
        usage: { promptTokens: 1000, completionTokens: 3000, costUsd: 0.002 },
        ...(i % 5 === 0 ? { error: { code: 'upstream' as const, message: 'HTTP 502' } } : {}),
      });
    }
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  renderBatchReport({
    batchId: 'bench',
    file: 'appgen.batch.json',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T01:00:00.000Z',
    jobs,
  });
  const used = process.cpuUsage(cpu);
  const buildCpuMs = (used.user + used.system) / 1000;
  return { models, templates, jobs: jobs.length, buildMs: performance.now() - started, buildCpuMs };
}

const CLOCK_TICKS = 100; // Linux USER_HZ

/** CPU time (ms) of a process, all threads, from /proc. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime + stime
}

/**
 * The prober, a process of its own: in the benchmark's process it would wait while the JSON-RPC
 * client parses the notifications, and that wait would count as the daemon's. Plain JavaScript for
 * `node -e`: connects to the daemon's socket (argv[1]) as a second client, sends `daemon/status`
 * one after the other, skips the notifications every client is sent without parsing them, and when
 * its stdin closes prints the longest round trip in milliseconds.
 */
const PROBER = `
const socket = require('node:net').connect(process.argv[1]);
let pending = Buffer.alloc(0);
let answered;
socket.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  for (;;) {
    const headerEnd = pending.indexOf('\\r\\n\\r\\n');
    if (headerEnd < 0) break;
    const length = Number(/Content-Length: (\\d+)/.exec(pending.subarray(0, headerEnd).toString('ascii'))[1]);
    const bodyStart = headerEnd + 4;
    if (pending.length < bodyStart + length) break;
    // A reply starts with its id; a notification with its method.
    if (pending.subarray(bodyStart, bodyStart + 22).toString('ascii') === '{"jsonrpc":"2.0","id":') answered();
    pending = pending.subarray(bodyStart + length);
  }
});
let running = true;
let longest = 0;
process.stdin.on('end', () => { running = false; });
process.stdin.resume();
socket.once('connect', async () => {
  process.stdout.write('ready\\n');
  for (let id = 1; running; id++) {
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'daemon/status', params: {} });
    const sent = performance.now();
    await new Promise((resolve) => {
      answered = resolve;
      socket.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
    });
    longest = Math.max(longest, performance.now() - sent);
  }
  process.stdout.write(longest + '\\n');
  socket.end();
});
`;

/**
 * Starts the prober against `daemon`; `stop` resolves with the longest a `daemon/status` waited for
 * its reply meanwhile.
 */
async function probeStatus(daemon: DaemonProcess): Promise<{ stop: () => Promise<number> }> {
  const child = spawn(process.execPath, ['-e', PROBER, socketPathFor(daemon.workspace)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.startsWith('ready') && resolve());
    void exited.then(() => reject(new Error('the status prober exited before it was ready')));
  });
  return {
    stop: async () => {
      child.stdin!.end();
      await exited;
      const longest = Number(output.split('\n')[1]);
      if (!Number.isFinite(longest)) throw new Error(`the status prober said ${JSON.stringify(output)}`);
      return longest;
    },
  };
}

/**
 * Starts a batch of `jobs` jobs (`jobs / templates` models), then cancels it. `nodeArgs` go to the
 * daemon's node (`--cpu-prof`, say).
 */
export async function batchScale(
  jobs: number,
  templates = TEMPLATES.length,
  nodeArgs: string[] = [],
): Promise<BatchScaleRow> {
  const models = Math.ceil(jobs / templates);
  const modelIds = Array.from({ length: models }, (_, m) => `bench/model-${m}`);
  const sim = await startSimulatorThread({
    latencyMs: 3_600_000,
    answerBytes: 1000,
    model: 'bench/model-0',
    models: modelIds,
  });
  const daemon = spawnDaemon({
    nodeArgs,
    env: { OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: 'bench-key', GENERATION_MAX_CONCURRENT: '1' },
  });
  try {
    await daemon.initialize();
    writeFileSync(
      join(daemon.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: modelIds, templates: TEMPLATES.slice(0, templates), maxConcurrent: 1 }),
    );
    let progress: P.BatchProgress | undefined;
    let onProgress: () => void = () => {};
    daemon.connection.onNotification(P.BatchChangedNotification, (update) => {
      progress = update;
      onProgress();
    });
    const until = (predicate: (p: P.BatchProgress) => boolean) =>
      new Promise<void>((resolve) => {
        onProgress = () => {
          if (progress && predicate(progress)) resolve();
        };
        onProgress();
      });

    const pid = daemon.child.pid!;
    let cpu = cpuMsOf(pid);
    let probe = await probeStatus(daemon);
    let sent = performance.now();
    const started = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    const startMs = performance.now() - sent;
    const total = started.jobs.length;
    if (total !== models * templates) throw new Error(`batch/start made ${total} jobs`);
    // Every job announced and queued: one runs, the rest wait.
    await until((p) => p.queued + p.running === total && p.running === 1);
    const startStatusMaxMs = await probe.stop();
    const startCpuMs = cpuMsOf(pid) - cpu;
    cpu = cpuMsOf(pid);

    probe = await probeStatus(daemon);
    sent = performance.now();
    const { cancelled } = await daemon.connection.sendRequest(P.BatchCancelRequest, {
      batchId: started.batchId,
    });
    const cancelMs = performance.now() - sent;
    if (cancelled !== total) throw new Error(`batch/cancel cancelled ${cancelled} of ${total}`);
    await until((p) => p.finished && p.reportPath !== undefined);
    const cancelReportedMs = performance.now() - sent;
    const cancelStatusMaxMs = await probe.stop();
    const cancelCpuMs = cpuMsOf(pid) - cpu;
    if (progress?.cancelled !== total) throw new Error(`${progress?.cancelled} of ${total} cancelled`);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      jobs: total,
      models,
      templates,
      startMs,
      startStatusMaxMs,
      startCpuMs,
      cancelMs,
      cancelReportedMs,
      cancelStatusMaxMs,
      cancelCpuMs,
      rssMb: rssKb / 1024,
    };
  } finally {
    await daemon.stop();
    await sim.close();
    rmSync(daemon.workspace, { recursive: true, force: true });
  }
}
