/**
 * The status bar item: running and queued counts, spinning while busy; a click shows the jobs view.
 * While a queue is paused it says so, and a click resumes it.
 */
import * as vscode from 'vscode';
import { CommandIds, JOBS_VIEW_ID } from './command-ids';
import type { JobStore } from './job-store';
import { statusBarText } from './status-bar-text';
import { countByStatus } from './tree-model';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'appgen.status',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly subscription: { dispose(): void };

  private readonly pauseSubscription: { dispose(): void };

  constructor(
    private readonly store: JobStore,
    private readonly pause: { pausedReason(): string | undefined; onDidChangePause: vscode.Event<void> },
  ) {
    this.item.name = 'AppGen';
    this.subscription = store.onDidChange(() => this.update());
    this.pauseSubscription = pause.onDidChangePause(() => this.update());
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const counts = countByStatus(this.store.allJobs());
    const paused = this.pause.pausedReason();
    this.item.text = statusBarText(counts.running, counts.queued, paused);
    if (paused !== undefined) {
      this.item.command = CommandIds.resumeQueue;
      this.item.tooltip = `AppGen: ${paused} Click to resume the queue.`;
      return;
    }
    this.item.command = `${JOBS_VIEW_ID}.focus`;
    this.item.tooltip =
      counts.running + counts.queued === 0
        ? 'AppGen: no jobs running. Click to show the jobs.'
        : `AppGen: ${counts.running} running, ${counts.queued} queued. Click to show the jobs.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.pauseSubscription.dispose();
    this.item.dispose();
  }
}
