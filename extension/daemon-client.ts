/**
 * The extension's daemon for one workspace folder: starts it on first use (a DaemonProcess, the
 * start, connection and stop both clients share), re-sends `initialize` when the key or settings
 * change, restarts it with backoff after a crash, gives up after repeated crashes, and reports its
 * state and log lines. Knows nothing of VS Code, so tests drive it in plain Node.
 */
import { existsSync } from 'node:fs';
import {
  Emitter,
  type Event,
  type MessageConnection,
  type RequestParam,
  type RequestType,
  ResponseError,
} from 'vscode-jsonrpc/node';
import { type DaemonExit, describeExit } from '../client/daemon-exit';
import { daemonLogLine } from '../client/daemon-log-line';
import { DaemonProcess } from '../client/daemon-process';
import type { Job } from '../shared/job';
import {
  type BatchProgress,
  type InitializeParams,
  InitializeRequest,
  type InitializeResult,
} from '../shared/protocol';
import { daemonEnv } from './daemon-env';
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
  /** How long a stop may take before the process is killed; SHUTDOWN_GRACE_MS unless a test says. */
  shutdownGraceMs?: number;
}

/** The one object that starts, talks to, restarts and stops a folder's daemon. */
export class DaemonClient {
  private daemon: DaemonProcess | undefined;
  private starting: Promise<MessageConnection> | undefined;
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
    return this.daemon?.pid;
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
    if (this.daemon && this.currentState === 'running') return Promise.resolve(this.daemon.connection);
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
    const daemon = this.daemon;
    if (!daemon || this.currentState !== 'running') return undefined;
    this.lastInit = await daemon.connection.sendRequest(
      InitializeRequest,
      await this.options.initializeParams(),
    );
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

  /**
   * Asks the daemon to shut down and kills it if it has not exited within the grace period; a
   * daemon that other clients (a command line) still use goes on for them, since killing it would
   * end their jobs.
   */
  async stop(): Promise<void> {
    this.clearRestartTimer();
    const daemon = this.daemon;
    if (!daemon) {
      if (this.currentState !== 'failed') this.setState('stopped');
      return;
    }
    const outcome = await daemon.shutdown(this.options.shutdownGraceMs);
    if (outcome.kind === 'serving-others' && this.daemon === daemon) {
      this.options.log.info(`daemon goes on serving ${outcome.otherClients} other client(s)`);
      this.daemon = undefined;
      daemon.dispose();
      this.setState('stopped');
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
    const { daemonPath, folder, log } = this.options;
    if (!existsSync(daemonPath)) {
      throw new Error(`The AppGen daemon is missing at ${daemonPath}; reinstall the extension.`);
    }
    this.setState('starting');
    let params: InitializeParams;
    try {
      params = await this.options.initializeParams();
    } catch (error) {
      this.setState('stopped');
      throw error;
    }
    const daemon = DaemonProcess.start({
      workspace: folder,
      daemonPath,
      ...(this.options.execPath ? { execPath: this.options.execPath } : {}),
      // Settings go in the environment too, the key only in `initialize` (see daemon-env.ts).
      env: daemonEnv(this.options.env ?? process.env, params),
      onLogLine: (line) => {
        const parsed = daemonLogLine(line);
        if (parsed) log[parsed.level](parsed.text);
      },
      onProcessError: (error) => log.error(`daemon process error: ${error.message}`),
    });
    this.daemon = daemon;
    daemon.onJobChanged((job) => this.jobEmitter.fire(job));
    daemon.onBatchChanged((progress) => this.batchEmitter.fire(progress));
    daemon.onPaused((reason) => this.pausedEmitter.fire(reason));
    daemon.connection.onError(([error]) => log.debug(`connection error: ${error.message}`));
    void daemon.exited.then((exit) => this.onExit(daemon, exit));

    try {
      this.lastInit = await daemon.initialize(params);
    } catch (error) {
      // A daemon that refuses `initialize` (bad settings) is of no use; stop it and report why.
      if (error instanceof ResponseError && this.daemon === daemon) daemon.kill();
      throw error;
    }
    if (this.daemon !== daemon) throw new Error('The AppGen daemon exited while starting.');
    this.starting = undefined;
    this.setState('running');
    this.readyEmitter.fire(this.lastInit);
    this.initializedEmitter.fire(this.lastInit);
    log.info(`daemon started (pid ${daemon.pid}) for ${folder}`);
    return daemon.connection;
  }

  /** The restart hook: an exit nobody asked for is a crash, restarted by the policy. */
  private onExit(daemon: DaemonProcess, exit: DaemonExit): void {
    daemon.dispose();
    if (this.daemon !== daemon) return;
    this.daemon = undefined;
    this.starting = undefined;
    if (exit.expected) {
      if (this.currentState !== 'failed') this.setState('stopped');
      return;
    }
    const how = describeExit(exit);
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
