/**
 * Owns one daemon process for one workspace folder: spawns it on first use, speaks JSON-RPC over
 * its stdio, re-sends `initialize` when the key or settings change, restarts it with backoff after
 * a crash and gives up after repeated crashes. Knows nothing of VS Code, so it can be driven by
 * tests and by other clients alike.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  createMessageConnection,
  Emitter,
  type Event,
  type MessageConnection,
  type RequestParam,
  type RequestType,
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
import { daemonEnv } from './daemon-env';
import { daemonLogLine } from './daemon-log-line';
import { RestartPolicy } from './restart-policy';

export type DaemonState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

/** Where the daemon's log lines go; a VS Code LogOutputChannel fits. */
export interface DaemonLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DaemonClientOptions {
  /** Absolute path of the workspace folder the daemon serves. */
  folder: string;
  /** Absolute path of the bundled daemon script. */
  daemonPath: string;
  /** The Node binary; inside VS Code this is its own executable run as Node. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Called before every `initialize`, so the latest key and settings are sent. */
  initializeParams: () => Promise<InitializeParams>;
  log: DaemonLog;
  restartPolicy?: RestartPolicy;
  /** How long `daemon/shutdown` may take before the process is killed. */
  shutdownGraceMs?: number;
}

/** The one object that starts, talks to, restarts and stops a folder's daemon. */
export class DaemonClient {
  private child: ChildProcess | undefined;
  private connection: MessageConnection | undefined;
  private starting: Promise<MessageConnection> | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private currentState: DaemonState = 'stopped';
  private lastInit: InitializeResult | undefined;
  private readonly policy: RestartPolicy;

  private readonly stateEmitter = new Emitter<DaemonState>();
  private readonly jobEmitter = new Emitter<Job>();
  private readonly batchEmitter = new Emitter<BatchProgress>();
  private readonly readyEmitter = new Emitter<InitializeResult>();
  private readonly gaveUpEmitter = new Emitter<string>();
  private readonly initializedEmitter = new Emitter<InitializeResult>();
  private readonly pausedEmitter = new Emitter<string>();

  /** Fires on every state change. */
  readonly onDidChangeState: Event<DaemonState> = this.stateEmitter.event;
  /** `generation/changed` from the daemon. */
  readonly onJobChanged: Event<Job> = this.jobEmitter.event;
  /** `batch/changed` from the daemon. */
  readonly onBatchChanged: Event<BatchProgress> = this.batchEmitter.event;
  /** Fires when the daemon pauses its queue (the reason, e.g. HTTP 402 from OpenRouter). */
  readonly onPaused: Event<string> = this.pausedEmitter.event;
  /** After each successful (re)start: the daemon's `initialize` reply. */
  readonly onReady: Event<InitializeResult> = this.readyEmitter.event;
  /** After every answered `initialize`, at start and after settings or the key changed. */
  readonly onDidInitialize: Event<InitializeResult> = this.initializedEmitter.event;
  /** The daemon crashed too often; the argument says why. */
  readonly onGaveUp: Event<string> = this.gaveUpEmitter.event;

  constructor(private readonly options: DaemonClientOptions) {
    this.policy = options.restartPolicy ?? new RestartPolicy();
  }

  get folder(): string {
    return this.options.folder;
  }

  get state(): DaemonState {
    return this.currentState;
  }

  /** Process id of the running daemon, if any. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** The reply to the latest `initialize`. */
  get initializeResult(): InitializeResult | undefined {
    return this.lastInit;
  }

  /** Sends a request, starting the daemon first if it is not running. */
  async request<P, R, E>(type: RequestType<P, R, E>, params: RequestParam<P>): Promise<R> {
    const connection = await this.ensureStarted();
    return connection.sendRequest(type, params);
  }

  /** Starts the daemon if needed and resolves once it has answered `initialize`. */
  ensureStarted(): Promise<MessageConnection> {
    if (this.currentState === 'failed') {
      return Promise.reject(
        new Error(
          'The AppGen daemon stopped after repeated crashes. Run "AppGen: Restart Daemon" to try again.',
        ),
      );
    }
    if (this.connection && this.currentState === 'running') return Promise.resolve(this.connection);
    if (!this.starting) {
      this.clearRestartTimer();
      this.starting = this.start();
      // A failed start must not stay cached: the next use tries again.
      this.starting.catch(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  /** Re-sends `initialize` with the current key and settings, if the daemon is running. */
  async reinitialize(): Promise<InitializeResult | undefined> {
    if (this.starting) await this.starting.catch(() => undefined);
    const connection = this.connection;
    if (!connection || this.currentState !== 'running') return undefined;
    this.lastInit = await connection.sendRequest(InitializeRequest, await this.options.initializeParams());
    this.initializedEmitter.fire(this.lastInit);
    return this.lastInit;
  }

  /** Stops the daemon (if running), forgets earlier crashes and starts it again. */
  async restart(): Promise<InitializeResult> {
    await this.stop();
    this.policy.reset();
    this.setState('stopped');
    await this.ensureStarted();
    return this.lastInit!;
  }

  /** Asks the daemon to shut down; kills it if it has not exited after the grace period. */
  async stop(): Promise<void> {
    this.clearRestartTimer();
    const child = this.child;
    if (!child) {
      if (this.currentState !== 'failed') this.setState('stopped');
      return;
    }
    this.stopping = true;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const grace = this.options.shutdownGraceMs ?? 2000;
    const connection = this.connection;
    const reply = connection
      ? await withTimeout(connection.sendRequest(ShutdownRequest, {}), grace).catch(() => undefined)
      : undefined;
    child.stdin?.end();
    if (reply?.otherClients && this.child === child) {
      // Other clients (a command line) use this daemon and its jobs: it goes on for them, and exits
      // once they have left. Killing it would end their jobs.
      this.options.log.info(`daemon goes on serving ${reply.otherClients} other client(s)`);
      this.child = undefined;
      this.connection = undefined;
      connection?.dispose();
      this.stopping = false;
      this.setState('stopped');
      return;
    }
    // The daemon exits by itself after `daemon/shutdown` or when stdin closes; give it a moment.
    if (
      !(await withTimeout(exited, grace).then(
        () => true,
        () => false,
      ))
    ) {
      child.kill('SIGKILL');
      await exited;
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    for (const emitter of [
      this.stateEmitter,
      this.jobEmitter,
      this.batchEmitter,
      this.readyEmitter,
      this.gaveUpEmitter,
      this.initializedEmitter,
      this.pausedEmitter,
    ]) {
      emitter.dispose();
    }
  }

  private async start(): Promise<MessageConnection> {
    const { daemonPath, folder } = this.options;
    if (!existsSync(daemonPath)) {
      throw new Error(`The AppGen daemon is missing at ${daemonPath}; reinstall the extension.`);
    }
    this.stopping = false;
    this.setState('starting');
    let params: InitializeParams;
    try {
      params = await this.options.initializeParams();
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    const child = spawn(
      this.options.execPath ?? process.execPath,
      [daemonPath, '--stdio', '--workspace', folder],
      {
        cwd: folder,
        // The key goes in `initialize` below, never in the environment (see daemon-env.ts).
        env: daemonEnv(this.options.env ?? process.env, params),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    this.connection = connection;
    connection.onNotification(GenerationChangedNotification, (job) => this.jobEmitter.fire(job));
    connection.onNotification(BatchChangedNotification, (progress) => this.batchEmitter.fire(progress));
    connection.onNotification(PausedNotification, ({ reason }) => this.pausedEmitter.fire(reason));
    connection.onError(([error]) => this.options.log.debug(`connection error: ${error.message}`));
    this.forwardLog(child);
    child.on('error', (error) => this.options.log.error(`daemon process error: ${error.message}`));
    child.once('exit', (code, signal) => this.onExit(child, connection, code, signal));
    // Writing to a dead child's stdin raises EPIPE; the exit handler deals with the death.
    child.stdin?.on('error', () => undefined);
    connection.listen();

    try {
      this.lastInit = await connection.sendRequest(InitializeRequest, params);
    } catch (error) {
      if (error instanceof ResponseError && this.child === child && child.exitCode === null) {
        // A daemon that refuses `initialize` (bad settings) is of no use; stop it and report why.
        this.stopping = true;
        child.kill();
      }
      throw error;
    }
    if (this.child !== child) throw new Error('The AppGen daemon exited while starting.');
    this.starting = undefined;
    this.setState('running');
    this.readyEmitter.fire(this.lastInit);
    this.initializedEmitter.fire(this.lastInit);
    this.options.log.info(`daemon started (pid ${child.pid}) for ${folder}`);
    return connection;
  }

  private forwardLog(child: ChildProcess): void {
    if (!child.stderr) return;
    const lines = createInterface({ input: child.stderr });
    const log = this.options.log;
    lines.on('line', (line) => {
      const parsed = daemonLogLine(line);
      if (parsed) log[parsed.level](parsed.text);
    });
  }

  private onExit(
    child: ChildProcess,
    connection: MessageConnection,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    // Pending requests must fail now rather than hang until a timeout.
    connection.dispose();
    if (this.child !== child) return;
    this.child = undefined;
    this.connection = undefined;
    this.starting = undefined;
    if (this.stopping) {
      this.stopping = false;
      if (this.currentState !== 'failed') this.setState('stopped');
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const decision = this.policy.recordCrash();
    if (decision.giveUp) {
      const reason = `The AppGen daemon exited with ${how} ${this.policy.recentCrashes} times in a short time.`;
      this.options.log.error(`${reason} Not restarting it.`);
      this.setState('failed');
      this.gaveUpEmitter.fire(reason);
      return;
    }
    this.options.log.warn(`daemon exited with ${how}; restarting in ${decision.delayMs} ms`);
    this.setState('restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.ensureStarted().catch((error: Error) =>
        this.options.log.error(`restart failed: ${error.message}`),
      );
    }, decision.delayMs);
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private setState(state: DaemonState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
