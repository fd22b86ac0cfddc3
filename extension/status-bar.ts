/** The status bar item: running and queued counts, spinning while busy; a click shows the jobs view. */
import * as vscode from 'vscode';
import { JOBS_VIEW_ID } from './command-ids';
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

  constructor(private readonly store: JobStore) {
    this.item.name = 'AppGen';
    this.item.command = `${JOBS_VIEW_ID}.focus`;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const counts = countByStatus(this.store.allJobs());
    this.item.text = statusBarText(counts.running, counts.queued);
    this.item.tooltip =
      counts.running + counts.queued === 0
        ? 'AppGen: no jobs running. Click to show the jobs.'
        : `AppGen: ${counts.running} running, ${counts.queued} queued. Click to show the jobs.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
