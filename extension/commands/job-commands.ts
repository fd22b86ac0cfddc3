/** Commands on one job: cancel, retry, open its app, reveal it, show the raw model response. */
import * as vscode from 'vscode';
import type { Job } from '../../shared/job';
import { GenerationCancelRequest, GenerationRetryRequest } from '../../shared/protocol';
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
const MAIN_FILES = ['backend/app.py', 'frontend/src/App.jsx', 'README.md'];

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
    vscode.commands.registerCommand(
      CommandIds.showRawResponse,
      async (arg?: JobArg & { component?: string }) => {
        const found = await target(arg, JOB_FILTERS.called.matches, 'Job whose raw response to show');
        // From a script (`{jobId, component?}`) there is nobody to ask which call: take the one named, or the first.
        const scripted = arg !== undefined && !('kind' in arg);
        return found ? showRawResponse(found, scripted ? (arg.component ?? '') : undefined) : undefined;
      },
    ),
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

/**
 * Opens the response file of the job's model call. With several calls it asks which, unless
 * `component` is given ("" for the first).
 */
async function showRawResponse(found: JobTarget, component?: string): Promise<vscode.Uri | undefined> {
  const { job, folder } = found;
  const artifacts = folderUri(
    folder,
    job.artifactsPath ?? `.appgen/artifacts/${job.modelSlug}/app${job.appNum}`,
  );
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(artifacts);
  } catch {
    return missing(artifacts);
  }
  const responses = entries
    .filter(([name, type]) => type === vscode.FileType.File && /response/i.test(name))
    .map(([name]) => name);
  // This job's own calls first; older jobs of the same app when it left none (cancelled early).
  const own = responses.filter((name) => name.startsWith(`${job.id}.`));
  const names = (own.length > 0 ? own : responses).sort();
  if (names.length === 0) {
    void vscode.window.showInformationMessage('AppGen: this job has no saved model response.');
    return undefined;
  }
  let name = names.find((candidate) => component && candidate.includes(`.${component}.`)) ?? names[0]!;
  if (names.length > 1 && component === undefined) {
    const picked = await vscode.window.showQuickPick(names, { placeHolder: 'Which model call?' });
    if (!picked) return undefined;
    name = picked;
  }
  const uri = vscode.Uri.joinPath(artifacts, name);
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}
