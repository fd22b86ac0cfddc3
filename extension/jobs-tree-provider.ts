/**
 * The jobs tree: unfinished jobs on top, then history. Redrawn (debounced) when the job store
 * changes, which happens on `generation/changed` notifications; the daemon is never polled.
 */
import * as vscode from 'vscode';
import type { JobStore } from './job-store';
import { folderSettings } from './settings';
import { buildTreeItem } from './tree-item-builder';
import { buildTree, type TreeNode } from './tree-model';

const REFRESH_DEBOUNCE_MS = 150;

export class JobsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly parents = new Map<string, TreeNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private firstShow = true;

  constructor(
    private readonly store: JobStore,
    /** Called once, the first time the tree is shown: loads the folders that have AppGen state. */
    private readonly onFirstShow: () => void,
  ) {
    this.disposables.push(
      this.store.onDidChange(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('appgen.tree')) this.scheduleRefresh();
      }),
    );
  }

  /** Redraws soon, folding bursts of notifications into one redraw. */
  scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changeEmitter.fire(undefined);
    }, REFRESH_DEBOUNCE_MS);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return buildTreeItem(node, new Date());
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.kind === 'job' ? [] : node.children;
    if (this.firstShow) {
      this.firstShow = false;
      this.onFirstShow();
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
      key: folder.uri.toString(),
      name: folder.name,
      jobs: this.store.jobs(folder.uri.toString()),
    }));
    const groupBy = folderSettings(vscode.workspace.workspaceFolders?.[0]?.uri).groupBy;
    const roots = buildTree(folders, groupBy);
    this.parents.clear();
    const walk = (nodes: TreeNode[], parent: TreeNode | undefined) => {
      for (const child of nodes) {
        this.parents.set(child.id, parent);
        if (child.kind !== 'job') walk(child.children, child);
      }
    };
    walk(roots, undefined);
    this.updateTicker(roots);
    return roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  /** While a job waits to retry, its countdown is redrawn every second; otherwise nothing ticks. */
  private updateTicker(roots: TreeNode[]): void {
    const waiting = this.store.allJobs().some((job) => job.status === 'running' && job.retryAt);
    if (waiting && !this.tickTimer && roots.length > 0) {
      this.tickTimer = setInterval(() => this.changeEmitter.fire(undefined), 1000);
    } else if (!waiting && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const disposable of this.disposables) disposable.dispose();
    this.changeEmitter.dispose();
  }
}
