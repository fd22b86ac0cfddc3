/**
 * What `activate()` returns: a read-only view of the extension's state for integration tests and
 * for other extensions (the tree as drawn, the jobs, the status bar, the daemons).
 */
import * as vscode from 'vscode';
import type { Job } from '../shared/job';
import { StatusRequest, type StatusResult } from '../shared/protocol';
import type { PickerSnapshot } from './commands/command-context';
import type { DaemonState } from './daemon-client';
import type { DaemonPool } from './daemon-pool';
import type { JobStore } from './job-store';
import type { JobsTreeProvider } from './jobs-tree-provider';
import type { StatusBar } from './status-bar';
import type { TreeNode } from './tree-model';

/** One tree item as VS Code would draw it. */
export interface TreeItemSnapshot {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  tooltip?: string;
  jobId?: string;
  children: TreeItemSnapshot[];
}

export interface DaemonSnapshot {
  folder: string;
  state: DaemonState;
  pid?: number;
}

export interface AppGenApi {
  /** The whole jobs tree, expanded. */
  tree(): TreeItemSnapshot[];
  jobs(): Job[];
  statusBarText(): string;
  daemons(): DaemonSnapshot[];
  /** `daemon/status` of a folder's daemon (the first folder by default); starts it if needed. */
  status(folder?: string): Promise<StatusResult>;
  /** Fires whenever a job changes (after the store is updated). */
  onDidChangeJobs: vscode.Event<void>;
  /** Fires whenever a daemon changes state. */
  onDidChangeDaemons: vscode.Event<void>;
  /** Fires whenever a daemon answered `initialize` (its folder's path). */
  onDidInitialize: vscode.Event<string>;
  /** Fires when a picker opens, with its items and what is selected in it. */
  onDidShowPicker: vscode.Event<PickerSnapshot>;
  /** Fires when a folder's queue is paused or resumed, as the status bar learns of it. */
  onDidChangePause: vscode.Event<void>;
  /** How long `activate` took, in milliseconds (for the benchmark figures, never asserted). */
  activationMs: number;
}

export function createTestApi(
  pool: DaemonPool,
  store: JobStore,
  tree: JobsTreeProvider,
  statusBar: StatusBar,
  pickerShown: vscode.Event<PickerSnapshot>,
): AppGenApi & vscode.Disposable {
  const jobsEmitter = new vscode.EventEmitter<void>();
  const subscription = store.onDidChange(() => jobsEmitter.fire());
  const snapshot = (node: TreeNode): TreeItemSnapshot => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
    return {
      label,
      description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue,
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      tooltip,
      jobId: node.kind === 'job' ? node.job.id : undefined,
      children: tree.getChildren(node).map(snapshot),
    };
  };
  return {
    activationMs: 0,
    tree: () => tree.getChildren().map(snapshot),
    jobs: () => store.allJobs(),
    statusBarText: () => statusBar.text,
    daemons: () =>
      pool.allClients().map((client) => ({ folder: client.folder, state: client.state, pid: client.pid })),
    status: async (folder) => {
      const picked = await pool.pickFolder(folder);
      if (!picked) throw new Error('no workspace folder');
      return pool.clientFor(picked).request(StatusRequest, {});
    },
    onDidChangeJobs: jobsEmitter.event,
    onDidChangeDaemons: pool.onDidChange,
    onDidInitialize: pool.onDidInitialize,
    onDidShowPicker: pickerShown,
    onDidChangePause: pool.onDidChangePause,
    dispose: () => {
      subscription.dispose();
      jobsEmitter.dispose();
    },
  };
}
