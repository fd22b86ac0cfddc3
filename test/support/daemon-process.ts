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
import { NotificationLog } from './notification-log';
import { UNREACHABLE_BASE_URL } from './sim-env';

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
  /**
   * Asks for daemon/shutdown and closes stdin, and waits for the exit (SIGKILL after 5 s). A daemon
   * whose only client this is stops at once; jobs it runs stay recorded, unfinished.
   */
  stop: () => Promise<void>;
  /** Kills the process with SIGKILL unless it has already ended, and waits for the exit. */
  kill: () => Promise<void>;
}

export function tempWorkspace(prefix = 'appgen-ws-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Spawns the daemon without touching the parent's environment except for what `env` adds. */
export function spawnDaemon(
  options: { workspace?: string; env?: Record<string, string>; args?: string[]; nodeArgs?: string[] } = {},
): DaemonProcess {
  const workspace = options.workspace ?? tempWorkspace();
  // Never the real OpenRouter, unless a test says otherwise.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The run's temporary folder (see temp-root.ts), where the daemon puts its local socket.
    TMPDIR: tmpdir(),
    OPENROUTER_BASE_URL: UNREACHABLE_BASE_URL,
    // Apps are checked by themselves only in the tests of checks (which turn it on): a check adds
    // changes to a job after it finished, which the other tests do not count on.
    APPGEN_CHECKS_STATIC: 'false',
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), DAEMON_JS, ...(options.args ?? ['--stdio', '--workspace', workspace])],
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
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => {
      // Pending requests would otherwise keep the test process alive.
      connection.dispose();
      resolveExit(code ?? signal ?? -1);
    });
  });
  const jobs = new NotificationLog<Job>(P.GenerationChangedNotification.method, () => stderr, exited);
  connection.onNotification(P.GenerationChangedNotification, (job) => jobs.push(job));
  connection.listen();
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    connection,
    workspace,
    stderr: () => stderr,
    stdout: () => Buffer.concat(stdoutChunks),
    exited,
    changes: jobs.received,
    waitForJob: (predicate, timeoutMs) => jobs.waitFor(predicate, timeoutMs),
    initialize: (params = {}) =>
      connection.sendRequest(P.InitializeRequest, { clientName: 'test', ...params }),
    stop: async () => {
      if (ended()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      // Closing stdin alone would leave a daemon running the jobs it has (it exits once they are done).
      await Promise.race([connection.sendRequest(P.ShutdownRequest, {}).catch(() => undefined), exited]);
      child.stdin!.end();
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      if (!ended()) child.kill('SIGKILL');
      await exited;
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
