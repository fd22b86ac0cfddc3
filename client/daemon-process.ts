/**
 * One run of the AppGen daemon, as both of its clients (the extension and the command line) start
 * and stop it: the process and its argv and environment, the JSON-RPC connection on its stdio, the
 * log lines of its stderr, its notifications, `initialize`, and `daemon/shutdown` with one grace.
 * What each client does around it stays with that client: the extension restarts a crashed daemon
 * and shows its log, the command line prints progress and the daemon's last words. Knows nothing
 * of VS Code or of a terminal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  createMessageConnection,
  Emitter,
  ErrorCodes,
  type Event,
  type MessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { Job } from '../shared/job';
import {
  BatchChangedNotification,
  type BatchProgress,
  GenerationChangedNotification,
  type InitializeParams,
  InitializeRequest,
  type InitializeResult,
  PausedNotification,
  ShutdownRequest,
} from '../shared/protocol';
import { type DaemonExit, DaemonExitError } from './daemon-exit';

/**
 * How long a stop may take, from `daemon/shutdown` to the process's exit (the reply and the exit
 * together), before the process is killed. The daemon's own stop (abort the model calls, finish a
 * report, one whole history write, release the lock) takes far less, and a kill is safe anyway
 * (every write is atomic; unfinished jobs stay recorded), so this only spares the next start some
 * work. It stays under the 5 s VS Code gives extensions to deactivate, so the extension's kill
 * comes before VS Code gives up on it, and is short enough for a person waiting after Ctrl-C.
 */
export const SHUTDOWN_GRACE_MS = 4000;

/** Environment variables that carry a key: the key goes in `initialize`, never in the environment. */
export const KEY_ENV_NAMES: readonly string[] = ['OPENROUTER_API_KEY'];

/** Lines of stderr kept for error messages. */
const RECENT_LINES = 50;

export interface DaemonProcessOptions {
  /** Absolute path of the workspace folder the daemon serves (`--workspace`). */
  workspace: string;
  /** Absolute path of the bundled daemon script (dist/daemon.js). */
  daemonPath: string;
  /** The Node binary; inside VS Code its own executable, run as Node (see ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  /** The daemon's environment; any key in it is left out (see KEY_ENV_NAMES). */
  env: NodeJS.ProcessEnv;
  /**
   * Starts the daemon in a process group of its own (not on Windows), so that Ctrl-C in a terminal
   * reaches only the client, which then stops the daemon in order.
   */
  ownProcessGroup?: boolean;
  /** Each line the daemon writes to stderr, as it comes. */
  onLogLine?: (line: string) => void;
  /** The process could not be started or signalled (its exit follows). */
  onProcessError?: (error: Error) => void;
}

/** How a `shutdown` ended. */
export type ShutdownOutcome =
  | { kind: 'exited'; exit: DaemonExit }
  | { kind: 'killed'; exit: DaemonExit }
  /** The daemon goes on for other clients (and their jobs); this client let go of it. */
  | { kind: 'serving-others'; otherClients: number };

export class DaemonProcess {
  /** The connection on the daemon's stdio; disposed when the process exits. */
  readonly connection: MessageConnection;
  /** Resolves when the process has exited. */
  readonly exited: Promise<DaemonExit>;
  /** Resolves once the process has exited and everything it wrote to stderr has been read. */
  readonly closed: Promise<DaemonExit>;

  private readonly child: ChildProcess;
  private readonly recent: string[] = [];
  private exit: DaemonExit | undefined;
  private expected = false;
  private released = false;
  private stopping: Promise<ShutdownOutcome> | undefined;

  private readonly jobEmitter = new Emitter<Job>();
  private readonly batchEmitter = new Emitter<BatchProgress>();
  private readonly pausedEmitter = new Emitter<string>();
  /** `generation/changed`. */
  readonly onJobChanged: Event<Job> = this.jobEmitter.event;
  /** `batch/changed`. */
  readonly onBatchChanged: Event<BatchProgress> = this.batchEmitter.event;
  /** `daemon/paused`: the queue stopped starting jobs (the reason, e.g. HTTP 402 from OpenRouter). */
  readonly onPaused: Event<string> = this.pausedEmitter.event;

  /** Spawns `daemon.js --stdio --workspace <dir>` and listens on its stdio. */
  static start(options: DaemonProcessOptions): DaemonProcess {
    return new DaemonProcess(options);
  }

  private constructor(options: DaemonProcessOptions) {
    const env = { ...options.env };
    for (const name of KEY_ENV_NAMES) delete env[name];
    // No cwd: the daemon works from --workspace alone (and creates that folder when it is missing).
    const child = spawn(
      options.execPath ?? process.execPath,
      [options.daemonPath, '--stdio', '--workspace', options.workspace],
      {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: Boolean(options.ownProcessGroup) && process.platform !== 'win32',
      },
    );
    this.child = child;
    // Writing to a daemon that has exited raises EPIPE; its exit is handled where it is awaited.
    child.stdin!.on('error', () => undefined);
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    this.connection = connection;
    connection.onNotification(GenerationChangedNotification, (job) => this.jobEmitter.fire(job));
    connection.onNotification(BatchChangedNotification, (progress) => this.batchEmitter.fire(progress));
    connection.onNotification(PausedNotification, ({ reason }) => this.pausedEmitter.fire(reason));

    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      if (line.trim() !== '') {
        this.recent.push(line);
        if (this.recent.length > RECENT_LINES) this.recent.splice(0, this.recent.length - RECENT_LINES);
      }
      options.onLogLine?.(line);
    });
    const stderrRead = new Promise<void>((resolve) => lines.once('close', resolve));

    this.exited = new Promise<DaemonExit>((resolve) => {
      const exited = (code: number | null, signal: NodeJS.Signals | null, startError?: string) => {
        if (this.exit) return;
        this.exit = { code, signal, expected: this.expected, ...(startError ? { startError } : {}) };
        // Pending requests fail now rather than hang until a timeout.
        connection.dispose();
        resolve(this.exit);
      };
      child.once('exit', exited);
      child.on('error', (error) => {
        options.onProcessError?.(error);
        // A process that never started emits no 'exit'.
        if (child.pid === undefined) exited(null, null, error.message);
      });
    });
    // 'close' comes once stdout and stderr have ended too.
    const streamsClosed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.closed = Promise.all([this.exited, streamsClosed, stderrRead]).then(([exit]) => exit);
    connection.listen();
  }

  /** The process id, while the process runs. */
  get pid(): number | undefined {
    return this.running ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.exit === undefined && this.child.pid !== undefined;
  }

  /** The last non-blank lines the daemon wrote to stderr, oldest first. */
  recentLog(): string[] {
    return [...this.recent];
  }

  /**
   * Sends `initialize` (the key goes here, never in argv or the environment). Rejects with a
   * DaemonExitError when the daemon exits before it answers.
   */
  async initialize(params: InitializeParams): Promise<InitializeResult> {
    try {
      return await Promise.race([
        this.connection.sendRequest(InitializeRequest, params),
        this.closed.then((exit) => {
          throw new DaemonExitError(exit, this.recentLog());
        }),
      ]);
    } catch (error) {
      throw await this.explain(error);
    }
  }

  /**
   * The error to report for `error`, met while talking to the daemon: when the daemon has gone,
   * a DaemonExitError with what it said before it exited, rather than the connection's own words.
   */
  async explain(error: unknown): Promise<unknown> {
    if (error instanceof DaemonExitError || this.released) return error;
    const connectionLost =
      error instanceof ResponseError &&
      (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.ConnectionInactive);
    if (!connectionLost && this.exit === undefined) return error;
    return new DaemonExitError(await this.closed, this.recentLog());
  }

  /**
   * Ends this client's use of the daemon: `daemon/shutdown`, then its exit, both within `graceMs`,
   * else a kill. A daemon that answers it goes on serving other clients is let go, running.
   */
  shutdown(graceMs: number = SHUTDOWN_GRACE_MS): Promise<ShutdownOutcome> {
    this.expected = true;
    this.stopping ??= this.stop(graceMs);
    return this.stopping;
  }

  /** Kills the process at once (a daemon that refused `initialize` is of no use). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.expected = true;
    if (this.running) this.child.kill(signal);
  }

  dispose(): void {
    this.jobEmitter.dispose();
    this.batchEmitter.dispose();
    this.pausedEmitter.dispose();
  }

  private async stop(graceMs: number): Promise<ShutdownOutcome> {
    if (this.exit) return { kind: 'exited', exit: this.exit };
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    try {
      const reply = await Promise.race([
        this.connection.sendRequest(ShutdownRequest, {}).catch(() => undefined),
        this.exited.then(() => undefined),
        graceOver.then(() => undefined),
      ]);
      if (reply?.otherClients) {
        this.release();
        return { kind: 'serving-others', otherClients: reply.otherClients };
      }
      // The daemon exits by itself after `daemon/shutdown`, or when its stdin closes.
      this.child.stdin?.end();
      const exit = await Promise.race([this.exited, graceOver]);
      if (exit !== 'grace-over') return { kind: 'exited', exit };
      this.child.kill('SIGKILL');
      return { kind: 'killed', exit: await this.exited };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Lets go of a daemon that goes on for other clients and their jobs, without waiting for an exit
   * that comes only once they have left too, and without keeping this process alive for it.
   */
  private release(): void {
    this.released = true;
    this.connection.dispose();
    this.child.stdin?.end();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.unref();
  }
}
