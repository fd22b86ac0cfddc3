/** What every command group needs, and the small helpers they share. */
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes } from '../../shared/errors';
import type { Job } from '../../shared/job';
import type { ApiKeyStore } from '../api-key-store';
import type { DaemonClient } from '../daemon-client';
import type { DaemonPool } from '../daemon-pool';
import type { JobStore } from '../job-store';
import type { JobsTreeProvider } from '../jobs-tree-provider';
import type { RecentModels } from '../recent-models';
import type { TreeNode } from '../tree-model';

export interface CommandContext {
  pool: DaemonPool;
  store: JobStore;
  keys: ApiKeyStore;
  log: vscode.LogOutputChannel;
  tree: JobsTreeProvider;
  view: vscode.TreeView<TreeNode>;
  recentModels: RecentModels;
  /** Fires when a picker is shown, with what it offers and what it has selected (for tests). */
  pickerShown: vscode.EventEmitter<PickerSnapshot>;
}

/** A picker as the user sees it when it opens. */
export interface PickerSnapshot {
  picker: 'models' | 'templates';
  /** Model ids; or template slugs, then the workspace template files that were skipped. */
  items: string[];
  selected: string[];
}

/** A job argument as commands receive it: a tree node, or `{jobId, folder?}` from a script or test. */
export type JobArg = TreeNode | { jobId: string; folder?: string } | undefined;

/** A job together with its folder and that folder's daemon. */
export interface JobTarget {
  job: Job;
  folder: vscode.WorkspaceFolder;
  client: DaemonClient;
}

/**
 * Generation runs a local process that reads workspace files and writes new ones; in Restricted
 * Mode it stays off. Returns false (after telling the user) when the workspace is not trusted.
 */
export function checkTrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `AppGen cannot ${action} in Restricted Mode: it runs a local process that reads this workspace's templates and writes generated apps into it. Trust the workspace to use it.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

/** A readable message for an error from the daemon or the connection to it. */
export function describeError(error: unknown): string {
  if (error instanceof ResponseError && error.code === RpcErrorCodes.NotImplemented) {
    return `this daemon does not support that yet (${error.message})`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function showError(prefix: string, error: unknown): void {
  void vscode.window.showErrorMessage(`AppGen: ${prefix}: ${describeError(error)}`);
}

/** Resolves a job argument to the job, its folder and its daemon; undefined if unknown. */
export function resolveJobArg(ctx: CommandContext, arg: JobArg): JobTarget | undefined {
  if (!arg) return undefined;
  let jobId: string;
  let folderKey: string | undefined;
  if ('kind' in arg) {
    if (arg.kind !== 'job') return undefined;
    jobId = arg.job.id;
    folderKey = arg.folderKey;
  } else {
    jobId = arg.jobId;
  }
  const found = ctx.store.find(jobId);
  if (!found) return undefined;
  const folder = ctx.pool.folderByKey(folderKey ?? found.folderKey);
  if (!folder) return undefined;
  return { job: found.job, folder, client: ctx.pool.clientFor(folder) };
}

/** Lets the user choose one of the given jobs; undefined when none or dismissed. */
export async function pickJob(
  ctx: CommandContext,
  jobs: Job[],
  placeHolder: string,
): Promise<JobTarget | undefined> {
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage('AppGen: no matching jobs.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    jobs.map((job) => ({
      label: `${job.model} · app${job.appNum}`,
      description: `${job.status} · ${job.templateSlug}`,
      job,
    })),
    { placeHolder },
  );
  return picked ? resolveJobArg(ctx, { jobId: picked.job.id }) : undefined;
}

/** The absolute URI of a workspace-relative posix path inside a folder. */
export function folderUri(folder: vscode.WorkspaceFolder, relative: string): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/').filter((part) => part !== ''));
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
