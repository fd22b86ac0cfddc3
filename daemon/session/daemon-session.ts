/**
 * What a daemon keeps for its clients between requests: the key and settings in force (see
 * session-settings.ts), the queue's pause (see queue-pause.ts), and the resume of the work an
 * earlier daemon left, which waits for the first client to send its key and settings. It answers
 * `initialize` and `daemon/resume`; the other requests go straight to the services (see
 * request-handlers.ts). Its store, queue and clock are parameters; it knows nothing of JSON-RPC.
 */
import * as P from '../../shared/protocol';
import type { StartGate } from '../generation-deps';
import type { Logger } from '../logger';
import { PAUSE_STATE_KEY, type PauseState, QueuePause } from '../queue-pause';
import { DAEMON_VERSION } from '../version';
import type { SessionSettings } from './session-settings';

/** How long the work an earlier daemon left waits for an `initialize` before it resumes anyway. */
export const RESUME_FALLBACK_MS = 5000;

export interface SessionClock {
  now(): Date;
  /** Calls `callback` once after `ms`, without keeping the process alive; returns its cancel. */
  later(callback: () => void, ms: number): () => void;
}

export const NODE_CLOCK: SessionClock = {
  now: () => new Date(),
  later: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Where the pause is kept across restarts (the history's daemon state). */
export interface SessionStateStore {
  getState(key: string): string | undefined;
  setState(key: string, value: string | undefined): void;
  /** Saves before long; a failure is the store's to log and try again. */
  saveSoon(): Promise<void>;
}

export interface SessionQueue {
  pause(): void;
  resume(): void;
  configure(settings: P.QueueInfo): void;
  readonly info: P.QueueInfo;
}

export interface DaemonSessionDeps {
  workspace: string;
  settings: SessionSettings;
  state: SessionStateStore;
  queue: SessionQueue;
  /** How many jobs the history holds queued or running. */
  unfinishedJobs: () => number;
  /** Queues again the jobs an earlier daemon left unfinished; returns how many. */
  resumeJobs: () => number;
  /** Checks again the apps whose check an earlier daemon left running; returns how many. */
  recheckApps: () => number;
  /** The queue was paused (not told of a pause restored at start). */
  onPaused: (state: PauseState) => void;
  clock: SessionClock;
  log: Logger;
}

export class DaemonSession {
  readonly settings: SessionSettings;
  /** Asked before each job starts and told how it ended: after a 402, one job goes first. */
  readonly startGate: StartGate;
  private readonly pause: QueuePause;
  private resumeState: 'not yet' | 'on initialize' | 'done' = 'not yet';
  private cancelFallback: () => void = () => undefined;

  constructor(private readonly deps: DaemonSessionDeps) {
    this.settings = deps.settings;
    this.logQueue();
    // Out of credits or without a key, every further call would fail too: jobs stay queued
    // instead, across restarts, until the user resumes.
    this.pause = new QueuePause({
      queue: deps.queue,
      load: () => deps.state.getState(PAUSE_STATE_KEY),
      save: (text) => {
        deps.state.setState(PAUSE_STATE_KEY, text);
        void deps.state.saveSoon().catch(() => undefined); // the store logs and retries a failure
      },
      now: deps.clock.now,
      onPaused: (state) => {
        deps.log.warn(state.reason);
        deps.onPaused(state);
      },
    });
    const restored = this.pause.state;
    if (restored) deps.log.warn(`the queue stays paused since ${restored.since}: ${restored.reason}`);
    this.startGate = {
      pass: (jobId) => this.pause.gate.pass(jobId),
      ended: (jobId, outcome) => this.pause.jobEnded(jobId, outcome),
      open: () => this.pause.gate.open(),
    };
  }

  /** Why waiting jobs are not started, until the user resumes; undefined when they are. */
  get paused(): PauseState | undefined {
    return this.pause.state;
  }

  /** `initialize`: takes the client's key and settings and says what is in force. */
  initialize(params: P.InitializeParams): P.InitializeResult {
    // A new key does not resume a paused queue: spending is the user's choice (daemon/resume).
    const configured = this.settings.apply(params);
    this.deps.log.info('initialized', { client: params.clientName });
    if (configured) {
      const { useQueue, maxConcurrent } = this.settings.config;
      this.deps.queue.configure({ enabled: useQueue, maxConcurrent });
      this.logQueue();
    }
    if (this.resumeState === 'on initialize') {
      if (params.resumeUnfinished === false) {
        // A client that only reads (`appgen history`) starts nothing the user did not ask for:
        // the work waits, unpaid, for a client that runs jobs, or for the next daemon.
        this.cancelFallback();
      } else {
        this.resumeLeftWork();
      }
    }
    return {
      protocolVersion: P.PROTOCOL_VERSION,
      daemonVersion: DAEMON_VERSION,
      workspace: this.deps.workspace,
      queue: this.deps.queue.info,
      hasApiKey: this.settings.hasApiKey,
      outputDir: this.settings.config.outputDir,
    };
  }

  /** `daemon/resume`: ends the pause; returns whether there was one. */
  resume(): boolean {
    return this.pause.resume();
  }

  /**
   * From now on the first `initialize` resumes the work an earlier daemon left, so that it runs
   * with the client's key and settings; without one, it resumes after RESUME_FALLBACK_MS. One with
   * `resumeUnfinished: false` leaves it for the next `initialize` that does not say so, and ends
   * the wait for none.
   */
  resumeAfterInitialize(): void {
    if (this.resumeState !== 'not yet') return;
    this.resumeState = 'on initialize';
    this.cancelFallback = this.deps.clock.later(() => this.resumeLeftWork(), RESUME_FALLBACK_MS);
  }

  private resumeLeftWork(): void {
    if (this.resumeState === 'done') return;
    this.resumeState = 'done';
    this.cancelFallback();
    const { log } = this.deps;
    // Without a key they would all fail on 401: they wait, paused, for a key and the user's resume.
    if (!this.settings.hasApiKey && this.deps.unfinishedJobs() > 0) this.pause.pause('no_api_key');
    const resumed = this.deps.resumeJobs();
    if (resumed > 0) log.info(`resumed ${resumed} unfinished job(s)`);
    const rechecked = this.deps.recheckApps();
    if (rechecked > 0) log.info(`checking again ${rechecked} app(s) whose check was interrupted`);
  }

  private logQueue(): void {
    const { useQueue, maxConcurrent } = this.settings.config;
    this.deps.log.info(
      useQueue
        ? `Generation queue enabled with max_concurrent=${maxConcurrent}`
        : 'Generation queue disabled: every job starts at once',
    );
  }
}
