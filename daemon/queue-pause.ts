/**
 * The queue's pause, which only the user ends. Two things pause it: OpenRouter answering 402 (every
 * further call would be refused too) and jobs waiting for a key when a daemon starts without one
 * (they would fail on 401). Waiting jobs stay queued, not failed. The pause is kept in the history,
 * so a reload or a new daemon stays paused; `resume` ends it, and after a 402 lets one job go first
 * (see `ProbeGate`).
 */
import type { PauseCause } from '../shared/protocol';
import { ProbeGate, type ProbeOutcome } from './probe-gate';

export type { PauseCause };

/** The history's daemon-state key the pause is kept under. */
export const PAUSE_STATE_KEY = 'queue.pause';

export interface PauseState {
  cause: PauseCause;
  /** Why, and how to continue: shown by every client as it is. */
  reason: string;
  /** ISO-8601 UTC. */
  since: string;
}

export interface QueuePauseDeps {
  /** Stops and starts the queue's lines. */
  queue: { pause(): void; resume(): void };
  /** The pause as kept across restarts (text), and keeping it. */
  load(): string | undefined;
  save(text: string | undefined): void;
  now(): Date;
  /** A pause began (not told of a pause restored at start). */
  onPaused(state: PauseState): void;
}

const REASONS: Record<PauseCause, string> = {
  insufficient_credits:
    'OpenRouter reports insufficient credits (HTTP 402): waiting jobs are paused, not failed. Add credits, then resume (AppGen: Resume Paused Queue, `appgen resume`, or daemon/resume).',
  no_api_key:
    'No OpenRouter API key is set, so waiting jobs are paused, not started. Set the key (AppGen: Set API Key, or OPENROUTER_API_KEY), then resume (AppGen: Resume Paused Queue, `appgen resume`, or daemon/resume).',
};

export class QueuePause {
  private current: PauseState | undefined;
  readonly gate = new ProbeGate();

  constructor(private readonly deps: QueuePauseDeps) {
    this.current = parseState(deps.load());
    if (this.current) deps.queue.pause();
  }

  get state(): PauseState | undefined {
    return this.current;
  }

  /** Pauses the queue for `cause`, unless it is paused already. */
  pause(cause: PauseCause): void {
    if (this.current) return;
    this.current = { cause, reason: REASONS[cause], since: this.deps.now().toISOString() };
    this.deps.save(JSON.stringify(this.current));
    this.deps.queue.pause();
    this.deps.onPaused(this.current);
  }

  /** Ends the pause; returns whether there was one. */
  resume(): boolean {
    const ended = this.current;
    if (!ended) return false;
    this.current = undefined;
    this.deps.save(undefined);
    if (ended.cause === 'insufficient_credits') this.gate.close();
    this.deps.queue.resume();
    return true;
  }

  /** How a job ended, for the job that goes first after a resume. */
  jobEnded(jobId: string, outcome: ProbeOutcome): void {
    if (outcome === 'no_credits') this.pause('insufficient_credits');
    this.gate.ended(jobId, outcome);
  }
}

function parseState(text: string | undefined): PauseState | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<PauseState> | null;
    if (value?.cause !== 'insufficient_credits' && value?.cause !== 'no_api_key') return undefined;
    return {
      cause: value.cause,
      reason: REASONS[value.cause],
      since: typeof value.since === 'string' ? value.since : new Date(0).toISOString(),
    };
  } catch {
    return undefined;
  }
}
