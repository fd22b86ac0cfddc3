/**
 * The soak: a batch of jobs against a simulator that fails a share of the calls with mixed faults,
 * while the daemon is killed with SIGKILL at random moments and started again (a new daemon
 * resumes the unfinished jobs), then started once more at the end. It then checks that nothing was
 * lost and nothing ran twice: every job succeeded once, no app was generated twice, and every
 * answer the simulator gave is either in a job's record or explained by a kill.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCommit } from '../../daemon/commit-record';
import { seededRandom } from '../../daemon/simulator/seeded-random';
import type { SimStep } from '../../daemon/simulator/sim-step';
import { type RecordedRequest, startSimulator } from '../../daemon/simulator/simulator';
import { isFinished, type Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { COMMIT_RECORD_FILE } from '../../shared/workspace-layout';
import { type DaemonProcess, spawnDaemon, tempWorkspace } from '../support/daemon-process';
import { entriesOrEmpty } from '../support/workspace-files';

export interface SoakOptions {
  jobs: number;
  /** Share of the simulator's answers that are faults. */
  faultShare: number;
  kills: number;
  concurrency: number;
  latencyMs: number;
  seed: number;
}

export interface SoakReport {
  options: SoakOptions;
  wallMs: number;
  kills: number;
  restarts: number;
  chatRequests: number;
  faultsServed: number;
  /** Answers cut off by a kill while the daemon was receiving them. */
  cutByKill: number;
  /** Answers the simulator finished sending that no job used. */
  unusedAnswers: number;
  /** Of those, the ones a kill explains (finished just before it, never kept). */
  unusedExplained: number;
  jobsSucceeded: number;
  /** Jobs of the history that are not succeeded, or recorded more than once. */
  problems: string[];
}

/** The faults mixed into the answers: each one is retried by the daemon. */
const FAULTS: readonly SimStep[] = [
  'reset',
  'cut-body',
  'cut-stream',
  'http408',
  { kind: 'http429', retryAfter: '0' },
  'http500',
  'http500string',
  'http502html',
  'http503',
  'http504',
  'http200html',
  'stream-error',
];
const MODEL = 'soak/model';

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const next = seededRandom(options.seed);
  // Enough steps for every call and its retries; the model answers normally after them.
  const steps: SimStep[] = Array.from({ length: Math.ceil(options.jobs * 2 * 1.6) }, () =>
    next() < options.faultShare ? FAULTS[Math.floor(next() * FAULTS.length)]! : 'ok',
  );
  const sim = await startSimulator({ latencyMs: options.latencyMs });
  sim.setModelBehavior(MODEL, { faults: steps, afterFaults: 'ok' });
  const finishedAt = new Map<number, number>();
  sim.on('finished', (record: RecordedRequest) => finishedAt.set(record.seq, Date.now()));
  const workspace = tempWorkspace('appgen-soak-');
  const env = {
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: 'soak-key',
    OPENROUTER_BACKOFF_BASE_MS: '1',
    // Faults come in runs now and then: enough retries that a run of them never fails a job.
    OPENROUTER_MAX_RETRIES: '10',
    GENERATION_MAX_CONCURRENT: String(options.concurrency),
  };
  const killTimes: number[] = [];
  /** The answers the daemon had kept in its artifacts when each kill came. */
  const keptAtKill: Set<string>[] = [];
  let restarts = 0;
  const started = performance.now();
  const open = async (): Promise<DaemonProcess> => {
    const daemon = spawnDaemon({ workspace, env });
    await daemon.initialize();
    return daemon;
  };
  try {
    let daemon = await open();
    writeBatch(workspace, options.jobs);
    const batch = await daemon.connection.sendRequest(P.BatchStartRequest, {});
    const ids = new Set(batch.jobs.map((job) => job.id));
    for (let kill = 0; kill < options.kills; kill++) {
      const done = await finishedIds(daemon, ids);
      const remaining = ids.size - done.size;
      if (remaining === 0) break;
      // Somewhere in the next half of what is left: after the threshold-th finish, at once or a little later.
      const threshold = done.size + Math.max(1, Math.floor(remaining * (0.1 + 0.4 * next())));
      await untilFinished(daemon, ids, done, threshold);
      if (next() < 0.5) await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 40)));
      daemon.child.kill('SIGKILL');
      await daemon.exited;
      killTimes.push(Date.now());
      keptAtKill.push(keptGenerationIds(workspace));
      daemon = await open();
      restarts++;
    }
    await untilFinished(daemon, ids, await finishedIds(daemon, ids), ids.size);
    await daemon.stop();
    // The final restart must find nothing left to do.
    const before = sim.chatRequests.length;
    daemon = await open();
    restarts++;
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    const history = await daemon.connection.sendRequest(P.HistoryListRequest, {});
    await daemon.stop();
    const wallMs = performance.now() - started;
    const problems: string[] = [];
    if (status.queued + status.running > 0 || sim.chatRequests.length !== before) {
      problems.push(`the final restart found work: ${status.queued} queued, ${status.running} running`);
    }
    problems.push(...checkHistory(workspace, history, ids));
    const calls = accountCalls(sim.chatRequests, history, finishedAt, killTimes, keptAtKill);
    problems.push(...calls.problems);
    return {
      options,
      wallMs,
      kills: killTimes.length,
      restarts,
      chatRequests: sim.chatRequests.length,
      faultsServed: sim.chatRequests.filter((request) => request.served !== 'ok').length,
      cutByKill: calls.cutByKill,
      unusedAnswers: calls.unused,
      unusedExplained: calls.explained,
      jobsSucceeded: history.filter((job) => job.status === 'succeeded').length,
      problems,
    };
  } finally {
    await sim.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

function writeBatch(workspace: string, jobs: number): void {
  writeFileSync(
    join(workspace, 'appgen.batch.json'),
    JSON.stringify({ models: [MODEL], templates: ['crud_todo_list'], repeat: jobs }),
  );
}

/** The jobs of `ids` this daemon's history has finished. */
async function finishedIds(daemon: DaemonProcess, ids: Set<string>): Promise<Set<string>> {
  const listed = await daemon.connection.sendRequest(P.GenerationListRequest, {});
  return new Set(listed.filter((job) => ids.has(job.id) && isFinished(job.status)).map((job) => job.id));
}

/** Resolves once `count` of the jobs have finished (those in `done`, then as the daemon announces them). */
function untilFinished(
  daemon: DaemonProcess,
  ids: Set<string>,
  done: Set<string>,
  count: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (done.size >= count) {
        clearInterval(stalled);
        resolve();
      }
    };
    let lastSize = -1;
    let quietSince = Date.now();
    // A soak that stops moving for a minute is broken: say so instead of waiting forever.
    const stalled = setInterval(() => {
      if (done.size !== lastSize) {
        lastSize = done.size;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > 60_000) {
        clearInterval(stalled);
        reject(new Error(`soak stalled at ${done.size} of ${ids.size} jobs finished`));
      }
    }, 1000);
    daemon.connection.onNotification(P.GenerationChangedNotification, (job: Job) => {
      if (!ids.has(job.id) || !isFinished(job.status)) return;
      if (job.status !== 'succeeded') {
        clearInterval(stalled);
        reject(new Error(`soak job ${job.id} ended ${job.status}: ${JSON.stringify(job.error)}`));
        return;
      }
      done.add(job.id);
      check();
    });
    check();
  });
}

/** Every started job once in the history, succeeded, each app holding its own job's commit only, none replaced. */
function checkHistory(workspace: string, history: Job[], ids: Set<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const apps = new Set<string>();
  for (const job of history) {
    if (!ids.has(job.id)) problems.push(`a job nobody started: ${job.id}`);
    if (seen.has(job.id)) problems.push(`job ${job.id} recorded twice`);
    seen.add(job.id);
    if (job.status !== 'succeeded')
      problems.push(`job ${job.id} ${job.status}: ${JSON.stringify(job.error)}`);
    if (apps.has(job.appPath)) problems.push(`two jobs for ${job.appPath}`);
    apps.add(job.appPath);
    if (job.previousVersionPath) problems.push(`job ${job.id} replaced an app: ${job.previousVersionPath}`);
    let record: string | undefined;
    try {
      record = readFileSync(join(workspace, job.appPath, COMMIT_RECORD_FILE), 'utf8');
    } catch {
      problems.push(`${job.appPath} has no commit record`);
      continue;
    }
    const commits = (JSON.parse(record) as { commits: unknown[] }).commits.length;
    if (commits !== 1 || !findCommit(record, job.id)) {
      problems.push(`${job.appPath} was committed ${commits} times`);
    }
  }
  for (const id of ids) if (!seen.has(id)) problems.push(`job ${id} is missing from the history`);
  const versions = entriesOrEmpty(join(workspace, '.appgen', 'versions'));
  if (versions.length > 0) problems.push(`apps were generated twice: .appgen/versions holds ${versions}`);
  return problems;
}

/**
 * Sorts every chat request: a fault (explained by the faults), an answer a kill cut off, an answer a
 * job used (exactly two per job, each used by one job), or an answer no job used, which only a kill
 * explains: the daemon had not read and kept it yet when the next kill came (an answer finishes
 * when the simulator has handed its last byte to the socket; a busy daemon reads it a little later).
 */
function accountCalls(
  requests: RecordedRequest[],
  history: Job[],
  finishedAt: Map<number, number>,
  killTimes: number[],
  keptAtKill: Set<string>[],
): { cutByKill: number; unused: number; explained: number; problems: string[] } {
  const problems: string[] = [];
  const usedBy = new Map<string, string>();
  for (const job of history) {
    const ids = job.generationIds ?? [];
    if (ids.length !== 2) problems.push(`job ${job.id} used ${ids.length} answers: ${ids}`);
    for (const id of ids) {
      const other = usedBy.get(id);
      if (other) problems.push(`answer ${id} used by ${other} and ${job.id}`);
      usedBy.set(id, job.id);
    }
  }
  let cutByKill = 0;
  let unused = 0;
  let explained = 0;
  for (const request of requests) {
    if (request.served !== 'ok') continue;
    if (request.outcome !== 'completed') {
      cutByKill++;
      continue;
    }
    if (request.generationId && usedBy.has(request.generationId)) continue;
    unused++;
    const finished = finishedAt.get(request.seq) ?? Number.POSITIVE_INFINITY;
    const kill = killTimes.findIndex((time) => time >= finished);
    if (kill >= 0 && !keptAtKill[kill]!.has(request.generationId ?? '')) explained++;
    else problems.push(`answer ${request.generationId} (request ${request.seq}) was paid for and never used`);
  }
  return { cutByKill, unused, explained, problems };
}

/** The generation ids in the call artifacts of the workspace: answers the daemon received and kept. */
function keptGenerationIds(workspace: string): Set<string> {
  const ids = new Set<string>();
  const root = join(workspace, '.appgen', 'artifacts');
  for (const model of entriesOrEmpty(root)) {
    for (const app of entriesOrEmpty(join(root, model))) {
      const folder = join(root, model, app);
      for (const name of entriesOrEmpty(folder).filter((entry) => entry.endsWith('.meta.json'))) {
        const meta = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { generationId?: string };
        if (meta.generationId) ids.add(meta.generationId);
      }
    }
  }
  return ids;
}

/** The report as lines for the console. */
export function describeSoak(report: SoakReport): string[] {
  const { options } = report;
  return [
    `  ${options.jobs} jobs, ${(options.faultShare * 100).toFixed(0)}% faults, C=${options.concurrency}, seed ${options.seed}: ${report.kills} kills, ${report.restarts} restarts, ${(report.wallMs / 1000).toFixed(1)} s`,
    `  chat requests ${report.chatRequests}: ${report.faultsServed} faults, ${report.cutByKill} cut off by a kill, ${report.chatRequests - report.faultsServed - report.cutByKill - report.unusedAnswers} used (${(2 * options.jobs).toString()} needed), ${report.unusedAnswers} answered and unused (${report.unusedExplained} explained by a kill)`,
    `  jobs succeeded ${report.jobsSucceeded} of ${options.jobs}; problems: ${report.problems.length === 0 ? 'none' : report.problems.length}`,
  ];
}
