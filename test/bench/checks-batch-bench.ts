/**
 * What static checks cost a batch: the same batch of real apps (the simulator's own answers for
 * five built-in templates) with `"checks": ["static"]` and with `"checks": []`, on one daemon,
 * each against the ideal N x 2 x L / C. With checks on, the batch ends when the last check has
 * ended, not when the last job has: checks run in a line of their own and must not hold the jobs
 * up, nor linger behind them. The two modes alternate, after a warm-up batch with checks on.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon } from '../support/daemon-process';
import { startSimulatorThread } from './simulator-thread';

export interface ChecksBatchOptions {
  jobs: number;
  concurrency: number;
  latencyMs: number;
  runs: number;
}

export interface ChecksBatchRun {
  checks: boolean;
  wallMs: number;
  /** From the last job's end to the last check's end (0 without checks). */
  checksTailMs: number;
  /** The daemon's CPU (all threads) per job. */
  cpuMsPerJob: number;
}

export interface ChecksBatchResult {
  jobs: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  runs: ChecksBatchRun[];
}

const MODEL = 'sim/alpha';
const TEMPLATES = ['crud_todo_list', 'api_url_shortener', 'kanban_board', 'markdown_notes', 'quiz_app'];
const CLOCK_TICKS = 100;

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

async function runBatch(daemon: DaemonProcess, jobs: number, checks: boolean): Promise<ChecksBatchRun> {
  writeFileSync(
    join(daemon.workspace, 'appgen.batch.json'),
    JSON.stringify({
      models: [MODEL],
      templates: TEMPLATES,
      repeat: Math.ceil(jobs / TEMPLATES.length),
      checks: checks ? ['static'] : [],
    }),
  );
  const total = Math.ceil(jobs / TEMPLATES.length) * TEMPLATES.length;
  const finished = new Set<string>();
  const checked = new Set<string>();
  let lastJobAt = 0;
  const cpuBefore = cpuMsOf(daemon.child.pid!);
  const done = new Promise<void>((resolve, reject) => {
    daemon.connection.onNotification(P.GenerationChangedNotification, (job: Job) => {
      if (['failed', 'cancelled'].includes(job.status))
        reject(new Error(`bench job failed: ${JSON.stringify(job.error)}`));
      if (job.status === 'succeeded' && !finished.has(job.id)) {
        finished.add(job.id);
        lastJobAt = performance.now();
      }
      if (job.check && job.check.verdict !== 'running') {
        if (job.check.verdict === 'failed')
          reject(new Error(`bench app failed its check: ${job.check.reason}`));
        checked.add(job.id);
      }
      if (finished.size === total && (!checks || checked.size === total)) resolve();
    });
  });
  const started = performance.now();
  await daemon.connection.sendRequest(P.BatchStartRequest, {});
  await done;
  const ended = performance.now();
  return {
    checks,
    wallMs: ended - started,
    checksTailMs: checks ? ended - lastJobAt : 0,
    cpuMsPerJob: (cpuMsOf(daemon.child.pid!) - cpuBefore) / total,
  };
}

export async function runChecksBatchBench(options: ChecksBatchOptions): Promise<ChecksBatchResult> {
  const jobs = Math.ceil(options.jobs / TEMPLATES.length) * TEMPLATES.length;
  const sim = await startSimulatorThread({
    latencyMs: options.latencyMs,
    answerBytes: 0,
    model: MODEL,
    simulatedAnswers: true,
  });
  const daemon = spawnDaemon({
    env: {
      OPENROUTER_BASE_URL: sim.url,
      OPENROUTER_API_KEY: 'bench-key',
      GENERATION_MAX_CONCURRENT: String(options.concurrency),
    },
  });
  const runs: ChecksBatchRun[] = [];
  try {
    await daemon.initialize();
    await runBatch(daemon, TEMPLATES.length * 2, true);
    for (let run = 0; run < options.runs; run++) {
      // Alternating which goes first, so that neither mode is always the warmer one.
      for (const checks of run % 2 === 0 ? [false, true] : [true, false]) {
        runs.push(await runBatch(daemon, jobs, checks));
      }
    }
  } finally {
    await daemon.stop();
    await sim.close();
    rmSync(daemon.workspace, { recursive: true, force: true });
  }
  return {
    jobs,
    concurrency: options.concurrency,
    latencyMs: options.latencyMs,
    idealMs: (jobs * 2 * options.latencyMs) / options.concurrency,
    runs,
  };
}
