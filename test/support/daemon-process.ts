/**
 * Spawns the real bundled daemon (dist/daemon.js) and speaks JSON-RPC to it, for process tests.
 * Keeps its stderr and raw stdout so tests can check what it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';

export const DAEMON_JS = resolve(__dirname, '../../dist/daemon.js');

export interface DaemonProcess {
  child: ChildProcess;
  connection: MessageConnection;
  workspace: string;
  stderr: () => string;
  stdout: () => Buffer;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Every `generation/changed` notification received so far. */
  changes: Job[];
  /** Resolves with the first job notification matching `predicate` (past or future). */
  waitForJob: (predicate: (job: Job) => boolean, timeoutMs?: number) => Promise<Job>;
  initialize: (params?: P.InitializeParams) => Promise<P.InitializeResult>;
  stop: () => Promise<void>;
}

export function tempWorkspace(prefix = 'appgen-ws-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Spawns the daemon without touching the parent's environment except for what `env` adds. */
export function spawnDaemon(
  options: { workspace?: string; env?: Record<string, string>; args?: string[] } = {},
): DaemonProcess {
  const workspace = options.workspace ?? tempWorkspace();
  // Never the real OpenRouter: an address on this machine where nothing listens, unless a test says otherwise.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [DAEMON_JS, ...(options.args ?? ['--stdio', '--workspace', workspace])],
    {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const stdoutChunks: Buffer[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout!.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const changes: Job[] = [];
  const waiters: { predicate: (job: Job) => boolean; resolve: (job: Job) => void }[] = [];
  connection.onNotification(P.GenerationChangedNotification, (job) => {
    changes.push(job);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(job)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(job);
      }
    }
  });
  connection.listen();
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => {
      // Pending requests would otherwise keep the test process alive.
      connection.dispose();
      resolveExit(code ?? signal ?? -1);
    });
  });
  const waitForJob = (predicate: (job: Job) => boolean, timeoutMs = 20_000) => {
    const seen = changes.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<Job>((resolveJob, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(
          new Error(`no matching generation/changed within ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`),
        );
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (job: Job) => {
          clearTimeout(timer);
          resolveJob(job);
        },
      };
      waiters.push(waiter);
      void exited.then(() => {
        if (waiters.includes(waiter)) {
          clearTimeout(timer);
          reject(new Error(`daemon exited while waiting; stderr:\n${stderr.slice(-2000)}`));
        }
      });
    });
  };
  return {
    child,
    connection,
    workspace,
    stderr: () => stderr,
    stdout: () => Buffer.concat(stdoutChunks),
    exited,
    changes,
    waitForJob,
    initialize: (params = {}) =>
      connection.sendRequest(P.InitializeRequest, { clientName: 'test', ...params }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits for `job` to reach a finished status. */
export function waitFinished(daemon: DaemonProcess, jobId: string, timeoutMs?: number): Promise<Job> {
  return daemon.waitForJob(
    (job) => job.id === jobId && ['succeeded', 'failed', 'cancelled'].includes(job.status),
    timeoutMs,
  );
}
