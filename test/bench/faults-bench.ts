/**
 * Throughput under transient faults: a batch against a simulated model that answers a fifth of its
 * calls with 503 or 429 and `Retry-After: 1`. Every job must still succeed, and the wall time is
 * held against what cannot be avoided: the fault-free ideal (N x 2 x L / C) plus the waits the
 * server asked for, spread over the C jobs that run at once.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { spawnDaemon } from '../support/daemon-process';
import { startSimulatorThread } from './simulator-thread';

export interface FaultsBenchOptions {
  jobs: number;
  concurrency: number;
  latencyMs: number;
  /** Share of calls that fail. */
  faultRate: number;
  runs: number;
}

export interface FaultsRun {
  wallMs: number;
  /** Calls answered with a fault, each followed by a wait of RETRY_AFTER_MS. */
  faults: number;
  calls: number;
  /** N x 2 x L / C. */
  idealMs: number;
  /** The ideal plus the asked-for waits over C. */
  targetMs: number;
}

const RETRY_AFTER_MS = 1000;
const MODEL = 'bench/faulty';

/** Runs the batch `runs` times, each on a new daemon and simulator. */
export async function runFaultsBench(options: FaultsBenchOptions): Promise<FaultsRun[]> {
  const results: FaultsRun[] = [];
  for (let run = 0; run < options.runs; run++) {
    const retryAfter = String(RETRY_AFTER_MS / 1000);
    const sim = await startSimulatorThread({
      latencyMs: options.latencyMs,
      answerBytes: 10_000,
      model: MODEL,
      faults: {
        rate: options.faultRate,
        steps: [
          { kind: 'http503', retryAfter },
          { kind: 'http429', retryAfter },
        ],
        seed: run + 1,
      },
    });
    const daemon = spawnDaemon({
      env: {
        OPENROUTER_BASE_URL: sim.url,
        OPENROUTER_API_KEY: 'bench-key',
        GENERATION_MAX_CONCURRENT: String(options.concurrency),
        // Enough that no call runs out of retries: every job has to succeed.
        OPENROUTER_MAX_RETRIES: '20',
      },
    });
    try {
      await daemon.initialize();
      const wallMs = await runBatch(daemon, options.jobs);
      const served = await sim.served();
      const calls = Object.values(served).reduce((sum, n) => sum + n, 0);
      const faults = calls - (served.ok ?? 0);
      const idealMs = (options.jobs * 2 * options.latencyMs) / options.concurrency;
      results.push({
        wallMs,
        faults,
        calls,
        idealMs,
        targetMs: idealMs + (faults * RETRY_AFTER_MS) / options.concurrency,
      });
    } finally {
      await daemon.stop();
      await sim.close();
      rmSync(daemon.workspace, { recursive: true, force: true });
    }
  }
  return results;
}

/** Runs a batch of `jobs` and resolves with its wall time once all have succeeded. */
async function runBatch(daemon: ReturnType<typeof spawnDaemon>, jobs: number): Promise<number> {
  writeFileSync(
    join(daemon.workspace, 'appgen.batch.json'),
    JSON.stringify({ models: [MODEL], templates: ['crud_todo_list'], repeat: jobs }),
  );
  const finished = new Set<string>();
  let failure: Error | undefined;
  const allDone = new Promise<void>((resolve, reject) => {
    daemon.connection.onNotification(P.GenerationChangedNotification, (job: Job) => {
      if (!['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
      if (job.status !== 'succeeded') {
        failure ??= new Error(`a job under faults did not succeed: ${JSON.stringify(job.error)}`);
        reject(failure);
      }
      finished.add(job.id);
      if (finished.size === jobs) resolve();
    });
  });
  const started = performance.now();
  await daemon.connection.sendRequest(P.BatchStartRequest, {});
  await allDone;
  return performance.now() - started;
}
