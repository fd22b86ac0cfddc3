/**
 * A spawned daemon wired to a local OpenRouter simulator, with the helpers the generation process
 * tests share: typed requests, waiting for jobs to finish, reading the workspace.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../daemon/simulator/simulator';
import { RpcErrorCodes } from '../../shared/errors';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon, waitFinished } from './daemon-process';

/** The key every test daemon is given; it must never show up in the workspace or the logs. */
export const TEST_API_KEY = 'sk-or-v1-generation-secret-7f3a9c21d4e8b6';

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

/** The daemon's environment for talking to `sim` with the test key. */
export function simulatorEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: TEST_API_KEY,
    OPENROUTER_BACKOFF_BASE_MS: '1',
    ...extra,
  };
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

/** Resolves once every one of the jobs has finished, with their final states in the same order. */
export function allFinished(harness: GenerationHarness, jobs: Job[]): Promise<Job[]> {
  return Promise.all(jobs.map((job) => harness.finished(job.id)));
}

/** A JSON-RPC error predicate for `assert.rejects`: invalid params whose message matches. */
export function invalidParams(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    const { code, message } = error as ResponseError<unknown>;
    if (code !== RpcErrorCodes.InvalidParams) {
      throw new Error(`expected JSON-RPC error -32602, got ${code}: ${message}`);
    }
    if (!pattern.test(message))
      throw new Error(`message ${JSON.stringify(message)} does not match ${pattern}`);
    return true;
  };
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

/** Every file under `root`, as posix paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      // Links are listed, never followed: a link may lead out of the folder.
      if (lstatSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** Files under `root` (binary ones included) whose bytes contain `needle`. */
export function filesContaining(root: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return listFiles(root).filter(
    (file) => lstatSync(join(root, file)).isFile() && readFileSync(join(root, file)).includes(bytes),
  );
}

/** Reads a workspace file as text. */
export function readText(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}
