/** Commands on one job: cancel, retry, open its app, reveal it. */
import * as vscode from 'vscode';
import type { Job } from '../../shared/job';
import { GenerationCancelRequest, GenerationRetryRequest } from '../../shared/protocol';
import { MAIN_FILES as SHARED_MAIN_FILES } from '../../shared/workspace-layout';
import { CommandIds } from '../command-ids';
import { JOB_FILTERS } from '../job-context-keys';
import {
  type CommandContext,
  checkTrusted,
  exists,
  folderUri,
  type JobArg,
  type JobTarget,
  pickJob,
  resolveJobArg,
  showError,
} from './command-context';

/** Files tried, in order, when an app item is clicked. */
const MAIN_FILES = [...Object.values(SHARED_MAIN_FILES), 'README.md'];

export function registerJobCommands(ctx: CommandContext): vscode.Disposable[] {
  const target = async (arg: JobArg, filter: (job: Job) => boolean, placeHolder: string) =>
    resolveJobArg(ctx, arg) ??
    (arg ? undefined : await pickJob(ctx, ctx.store.allJobs().filter(filter), placeHolder));
  return [
    vscode.commands.registerCommand(CommandIds.cancelJob, async (arg?: JobArg) => {
      const found = await target(arg, JOB_FILTERS.unfinished.matches, 'Job to cancel');
      if (!found) return undefined;
      try {
        const result = await found.client.request(GenerationCancelRequest, { jobId: found.job.id });
        if (!result.cancelled)
          void vscode.window.showInformationMessage('AppGen: the job had already finished.');
        return result;
      } catch (error) {
        showError('could not cancel the job', error);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CommandIds.retryJob, async (arg?: JobArg) => {
      if (!checkTrusted('retry generations')) return undefined;
      const found = await target(arg, JOB_FILTERS.finished.matches, 'Job to retry');
      if (!found) return undefined;
      try {
        const job = await found.client.request(GenerationRetryRequest, { jobId: found.job.id });
        ctx.store.upsert(found.folder.uri.toString(), job);
        return job;
      } catch (error) {
        showError('could not retry the job', error);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CommandIds.openApp, async (arg?: JobArg) => {
      const found = await target(arg, JOB_FILTERS.succeeded.matches, 'App to open');
      return found ? openApp(found) : undefined;
    }),
    vscode.commands.registerCommand(CommandIds.openAppFolder, async (arg?: JobArg) => {
      const found = await target(arg, JOB_FILTERS.succeeded.matches, 'App folder to open');
      if (!found) return undefined;
      const uri = folderUri(found.folder, found.job.appPath);
      if (!(await exists(uri))) return missing(uri);
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
      return uri;
    }),
    vscode.commands.registerCommand(CommandIds.revealInExplorer, async (arg?: JobArg) => {
      const found = await target(arg, JOB_FILTERS.succeeded.matches, 'App to reveal');
      if (!found) return undefined;
      const uri = folderUri(found.folder, found.job.appPath);
      if (!(await exists(uri))) return missing(uri);
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return uri;
    }),
  ];
}

function missing(uri: vscode.Uri): undefined {
  void vscode.window.showWarningMessage(`AppGen: ${vscode.workspace.asRelativePath(uri)} does not exist.`);
  return undefined;
}

/** Opens the app's main file, or reveals its folder when it has none. */
async function openApp(found: JobTarget): Promise<vscode.Uri | undefined> {
  const appUri = folderUri(found.folder, found.job.appPath);
  const listed = found.job.files ?? [];
  const candidates = [
    ...MAIN_FILES.filter((file) => listed.length === 0 || listed.includes(file)),
    ...MAIN_FILES,
  ];
  for (const file of candidates) {
    const uri = vscode.Uri.joinPath(appUri, ...file.split('/'));
    if (await exists(uri)) {
      await vscode.window.showTextDocument(uri, { preview: true });
      return uri;
    }
  }
  if (!(await exists(appUri))) return missing(appUri);
  await vscode.commands.executeCommand('revealInExplorer', appUri);
  return appUri;
}
