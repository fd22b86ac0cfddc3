/**
 * A spawned daemon wired to a local OpenRouter simulator, with the helpers the generation process
 * tests share: typed requests and waiting for jobs to finish.
 */
import { type Simulator, type SimulatorOptions, startSimulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon, waitFinished } from './daemon-process';
import { simulatorEnv } from './sim-env';

/** A well-behaved simulated model. */
export const MODEL = 'sim/alpha';

/** A built-in template whose endpoints are known. */
export const TEMPLATE = 'crud_todo_list';

export interface GenerationHarness {
  sim: Simulator;
  daemon: DaemonProcess;
  workspace: string;
  start(params: Partial<P.GenerationStartParams>): Promise<Job>;
  get(jobId: string): Promise<Job>;
  list(params?: P.GenerationListParams): Promise<Job[]>;
  cancel(jobId: string): Promise<{ cancelled: boolean }>;
  retry(jobId: string): Promise<Job>;
  history(params?: P.HistoryListParams): Promise<Job[]>;
  status(): Promise<P.StatusResult>;
  /** Resolves with the job's finished notification. */
  finished(jobId: string): Promise<Job>;
  /** Every notification received for one job, in order. */
  changesOf(jobId: string): Job[];
  /** Stops the daemon (and the simulator unless it is shared). */
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment for the daemon (on top of simulator URL, key and a 1 ms backoff). */
  env?: Record<string, string>;
  /** Reuse a simulator (e.g. across a daemon restart); it is not closed by `close()` then. */
  sim?: Simulator;
  simOptions?: SimulatorOptions;
  workspace?: string;
}

/** Starts a simulator (unless given) and a daemon using it, and initializes the daemon. */
export async function startHarness(options: HarnessOptions = {}): Promise<GenerationHarness> {
  const ownSim = options.sim === undefined;
  const sim = options.sim ?? (await startSimulator(options.simOptions));
  const daemon = spawnDaemon({
    ...(options.workspace ? { workspace: options.workspace } : {}),
    env: simulatorEnv(sim, options.env),
  });
  await daemon.initialize();
  const request = daemon.connection;
  return {
    sim,
    daemon,
    workspace: daemon.workspace,
    start: (params) => request.sendRequest(P.GenerationStartRequest, params as P.GenerationStartParams),
    get: (jobId) => request.sendRequest(P.GenerationGetRequest, { jobId }),
    list: (params = {}) => request.sendRequest(P.GenerationListRequest, params),
    cancel: (jobId) => request.sendRequest(P.GenerationCancelRequest, { jobId }),
    retry: (jobId) => request.sendRequest(P.GenerationRetryRequest, { jobId }),
    history: (params = {}) => request.sendRequest(P.HistoryListRequest, params),
    status: () => request.sendRequest(P.StatusRequest, {}),
    finished: (jobId) => waitFinished(daemon, jobId),
    changesOf: (jobId) => daemon.changes.filter((job) => job.id === jobId),
    close: async () => {
      await daemon.stop();
      if (ownSim) await sim.close();
    },
  };
}

/**
 * Registers an afterEach in the calling suite that closes the harnesses its test opened with the
 * returned function, in the order they were opened.
 */
export function harnessPerTest(): (options?: HarnessOptions) => Promise<GenerationHarness> {
  const opened: GenerationHarness[] = [];
  afterEach(async () => {
    for (const harness of opened.splice(0)) await harness.close();
  });
  return async (options) => {
    const harness = await startHarness(options);
    opened.push(harness);
    return harness;
  };
}

/** Resolves once every one of the jobs has finished, with their final states in the same order. */
export function allFinished(harness: GenerationHarness, jobs: Job[]): Promise<Job[]> {
  return Promise.all(jobs.map((job) => harness.finished(job.id)));
}

/**
 * Rejects if `promise` has not settled within `ms`. A guard, not a measurement: it makes a test that
 * waits for something that never comes fail with a reason, instead of running on after its timeout.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/**
 * Resolves with the job's first notification whose check has ended, after revision `after` (a check
 * asked for again ends after the revision its request returned).
 */
export function checkEnded(h: GenerationHarness, jobId: string, after = 0, timeoutMs?: number): Promise<Job> {
  return h.daemon.waitForJob(
    (job) =>
      job.id === jobId &&
      job.check !== undefined &&
      job.check.verdict !== 'running' &&
      (job.revision ?? 0) > after,
    timeoutMs,
  );
}
