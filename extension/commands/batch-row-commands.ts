/**
 * The actions of a batch's row in the jobs tree: Cancel (every unfinished job of the batch) and
 * Retry Failed (a new job for each app whose latest job failed or was cancelled). Open Report is
 * the batch commands' own, given the row.
 */
import * as vscode from 'vscode';
import type { Job } from '../../shared/job';
import { BatchCancelRequest, GenerationRetryRequest } from '../../shared/protocol';
import { CommandIds } from '../command-ids';
import type { TreeNode } from '../tree-model';
import { type CommandContext, checkTrusted, showError } from './command-context';

/** A batch row from the tree, or `{batchId}` from a script or test. */
export type BatchArg = TreeNode | { batchId: string } | undefined;

export function registerBatchRowCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.cancelBatch, (arg?: BatchArg) => cancelBatchRow(ctx, arg)),
    vscode.commands.registerCommand(CommandIds.retryFailed, (arg?: BatchArg) => retryFailed(ctx, arg)),
  ];
}

/** The batch a command was given, with its folder; undefined when there is none. */
export function resolveBatchArg(
  ctx: CommandContext,
  arg: BatchArg,
): { batchId: string; folder: vscode.WorkspaceFolder } | undefined {
  if (!arg) {
    void vscode.window.showInformationMessage('AppGen: choose a batch in the jobs view.');
    return undefined;
  }
  if ('kind' in arg && (arg.kind !== 'group' || !arg.batch)) return undefined;
  const batchId = 'kind' in arg ? arg.batch!.batchId : arg.batchId;
  const folderKey = 'kind' in arg ? arg.batch!.folderKey : ctx.store.folderOfBatch(batchId);
  const folder = folderKey === undefined ? undefined : ctx.pool.folderByKey(folderKey);
  return folder ? { batchId, folder } : undefined;
}

/** The latest job of each app of the batch whose latest job failed or was cancelled. */
export function appsToRetry(jobs: readonly Job[]): Job[] {
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    const seen = latest.get(job.appPath);
    if (!seen || seen.createdAt < job.createdAt) latest.set(job.appPath, job);
  }
  return [...latest.values()].filter((job) => job.status === 'failed' || job.status === 'cancelled');
}

/** The number of jobs cancelled. */
async function cancelBatchRow(ctx: CommandContext, arg: BatchArg): Promise<number> {
  const found = resolveBatchArg(ctx, arg);
  if (!found) return 0;
  try {
    const { cancelled } = await ctx.pool
      .clientFor(found.folder)
      .request(BatchCancelRequest, { batchId: found.batchId });
    return cancelled;
  } catch (error) {
    showError('could not cancel the batch', error);
    return 0;
  }
}

async function retryFailed(ctx: CommandContext, arg: BatchArg): Promise<Job[]> {
  if (!checkTrusted('retry generations')) return [];
  const found = resolveBatchArg(ctx, arg);
  if (!found) return [];
  const folderKey = found.folder.uri.toString();
  const failed = appsToRetry(ctx.store.jobs(folderKey).filter((job) => job.batchId === found.batchId));
  if (failed.length === 0) {
    void vscode.window.showInformationMessage('AppGen: no app of this batch is left failed.');
    return [];
  }
  const client = ctx.pool.clientFor(found.folder);
  const retried: Job[] = [];
  for (const job of failed) {
    try {
      const next = await client.request(GenerationRetryRequest, { jobId: job.id });
      ctx.store.upsert(folderKey, next);
      retried.push(next);
    } catch (error) {
      showError(`could not retry ${job.model} app${job.appNum}`, error);
    }
  }
  return retried;
}
