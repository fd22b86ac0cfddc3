/**
 * The command line is a client of the daemon like the extension: it starts `daemon.js` (which
 * relays to a daemon already serving the workspace) and speaks JSON-RPC to it over stdio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  ErrorCodes,
  type MessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { Job } from '../shared/job';
import * as P from '../shared/protocol';
import { DaemonExitedError, whatTheDaemonSaid } from './cli-failure';

export interface DaemonLink {
  connection: MessageConnection;
  child: ChildProcess;
  initialized: P.InitializeResult;
  /** Resolves when the daemon process has exited. */
  exited: Promise<number | null>;
  /**
   * Ends this command's use of the daemon. A daemon that serves no other client stops (unfinished
   * jobs stay recorded) and is waited for; one that serves others goes on, and is left running.
   */
  shutdown: () => Promise<void>;
  /**
   * The error to report for `error`, thrown while talking to the daemon: when the daemon has gone,
   * what it said before it exited, rather than the connection's own words.
   */
  explain: (error: unknown) => Promise<unknown>;
  /** The last lines the daemon logged, for error messages. */
  recentLog: () => string[];
  /**
   * Subscribes to `generation/changed`. A connection holds one handler per notification, so every
   * listener goes through this one.
   */
  onJobChanged: (listener: (job: Job) => void) => () => void;
  /** Subscribes to `batch/changed`. */
  onBatchChanged: (listener: (progress: P.BatchProgress) => void) => () => void;
  /** Subscribes to `daemon/paused` (the queue stopped starting jobs: credits exhausted). */
  onPaused: (listener: (reason: string) => void) => () => void;
}

export async function openDaemon(
  workspace: string,
  env: NodeJS.ProcessEnv,
  config?: P.ConfigOverrides,
): Promise<DaemonLink> {
  const child = spawn(process.execPath, [join(__dirname, 'daemon.js'), '--stdio', '--workspace', workspace], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in a terminal reaches only the command line, which then stops
    // the daemon in order (unfinished jobs recorded) instead of both dying mid-write.
    detached: process.platform !== 'win32',
  });
  const recent: string[] = [];
  let buffered = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    recent.push(...lines.filter((l) => l.trim() !== ''));
    if (recent.length > 50) recent.splice(0, recent.length - 50);
    if (env.APPGEN_DEBUG) for (const line of lines) process.stderr.write(`${line}\n`);
  });
  // Writing to a daemon that has exited raises EPIPE; its exit is handled where it is awaited.
  child.stdin!.on('error', () => undefined);
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      connection.dispose();
      resolve(code);
    });
  });
  // 'close' comes once stderr has been read to its end too: everything the daemon said is in.
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const gone = async () => {
    const code = await closed;
    const said = whatTheDaemonSaid([...recent, buffered]);
    // Exit code 2 is the daemon refusing its input (a setting, the workspace): its words say it all.
    return new DaemonExitedError(
      code,
      code === 2 ? said : `the AppGen daemon stopped (exit code ${code}): ${said}`,
    );
  };
  const explain = async (error: unknown): Promise<unknown> => {
    const connectionLost =
      error instanceof ResponseError &&
      (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.ConnectionInactive);
    return connectionLost || child.exitCode !== null ? gone() : error;
  };
  const listeners = new Set<(job: Job) => void>();
  connection.onNotification(P.GenerationChangedNotification, (job) => {
    for (const listener of [...listeners]) listener(job);
  });
  const batchListeners = new Set<(progress: P.BatchProgress) => void>();
  connection.onNotification(P.BatchChangedNotification, (progress) => {
    for (const listener of [...batchListeners]) listener(progress);
  });
  const pauseListeners = new Set<(reason: string) => void>();
  connection.onNotification(P.PausedNotification, ({ reason }) => {
    for (const listener of [...pauseListeners]) listener(reason);
  });
  connection.listen();
  // The key goes in `initialize` as well as in the environment: when a daemon started by someone
  // else (VS Code) serves the workspace, this daemon only relays and the owner never sees our env.
  // No `config` unless asked for: settings the owner was given stay as they are.
  const apiKey = env.OPENROUTER_API_KEY;
  let initialized: P.InitializeResult;
  try {
    initialized = await Promise.race([
      connection.sendRequest(P.InitializeRequest, {
        clientName: 'appgen-cli',
        ...(apiKey ? { apiKey } : {}),
        ...(config ? { config } : {}),
      }),
      closed.then(async () => {
        throw await gone();
      }),
    ]);
  } catch (error) {
    throw await explain(error);
  }
  let released = false;
  return {
    connection,
    child,
    initialized,
    exited,
    recentLog: () => [...recent],
    onJobChanged: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onBatchChanged: (listener) => {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onPaused: (listener) => {
      pauseListeners.add(listener);
      return () => pauseListeners.delete(listener);
    },
    explain,
    shutdown: async () => {
      if (child.exitCode !== null || released) return;
      const reply = await connection.sendRequest(P.ShutdownRequest, {}).catch(() => undefined);
      if (reply?.otherClients) {
        // The daemon goes on serving other clients and running their jobs: let it go, without
        // waiting for an exit that comes only once they have left too.
        released = true;
        connection.dispose();
        child.stdin!.end();
        child.stdout!.destroy();
        child.stderr!.destroy();
        child.unref();
        return;
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
