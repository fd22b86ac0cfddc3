/**
 * Follows one batch through the daemon's `batch/changed` notifications, which carry the daemon's
 * own counts and cost (the extension's job store may hold only part of a large batch). Asks
 * `batch/status` once at the start, for changes sent before it listened, and again after a
 * daemon restart, whose new process knows the batch from its history. Knows nothing of VS Code.
 */
import type { Disposable, Event } from 'vscode-jsonrpc';
import type { BatchProgress } from '../shared/protocol';
import type { DaemonState } from './daemon-client';

/** What the follower listens to: a DaemonClient fits. */
export interface BatchProgressSource {
  readonly onBatchChanged: Event<BatchProgress>;
  /** A daemon (re)started and answered `initialize`. */
  readonly onReady: Event<unknown>;
  readonly onDidChangeState: Event<DaemonState>;
  /** `batch/status` of one batch. */
  status(batchId: string): Promise<BatchProgress>;
}

export class BatchFollower {
  private readonly subscriptions: Disposable[] = [];
  private settle: (progress: BatchProgress | undefined) => void = () => {};
  /** The final progress once the batch has finished; undefined when the daemon gave up or `stop` was called. */
  readonly done: Promise<BatchProgress | undefined>;

  constructor(
    private readonly source: BatchProgressSource,
    private readonly batchId: string,
    private readonly onProgress: (progress: BatchProgress) => void,
  ) {
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.subscriptions.push(
      source.onBatchChanged((progress) => {
        if (progress.batchId === batchId) this.apply(progress);
      }),
      source.onReady(() => this.ask()),
      source.onDidChangeState((state) => {
        if (state === 'failed') this.finish(undefined);
      }),
    );
    this.ask();
  }

  /** Stops following; `done` resolves with undefined if the batch had not finished. */
  stop(): void {
    this.finish(undefined);
  }

  private ask(): void {
    // Messages arrive in the order the daemon sent them, so this reply is newer than any
    // notification before it; one that fails (a daemon stopping) is followed by the next notification.
    this.source.status(this.batchId).then(
      (progress) => this.apply(progress),
      () => undefined,
    );
  }

  private apply(progress: BatchProgress): void {
    if (this.subscriptions.length === 0) return;
    this.onProgress(progress);
    if (progress.finished) this.finish(progress);
  }

  private finish(progress: BatchProgress | undefined): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.settle(progress);
  }
}
