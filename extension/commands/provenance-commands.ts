/**
 * Where an app came from, readable: Show Prompt (what was sent, as Markdown), Show Answer (the
 * model's text assembled from the stream, as Markdown) and Show Raw Response (the response file as
 * it came). A job with several model calls asks which, naming each by component and time.
 */
import * as vscode from 'vscode';
import type { Job } from '../../shared/job';
import { artifactFileName, artifactsFolder, parseArtifactAnswerName } from '../../shared/workspace-layout';
import { answerMarkdown, promptMarkdown } from '../artifact-text';
import { CommandIds } from '../command-ids';
import { JOB_FILTERS } from '../job-context-keys';
import {
  type CommandContext,
  folderUri,
  type JobArg,
  type JobTarget,
  pickJob,
  resolveJobArg,
} from './command-context';

/** One model call's artifact files. */
interface CallFiles {
  jobId: string;
  component: string;
  modified: number;
}

type Shown = 'prompt' | 'answer' | 'raw';

export function registerProvenanceCommands(ctx: CommandContext): vscode.Disposable[] {
  const register = (id: string, shown: Shown, placeHolder: string) =>
    vscode.commands.registerCommand(id, async (arg?: JobArg & { component?: string }) => {
      const found =
        resolveJobArg(ctx, arg) ??
        (arg
          ? undefined
          : await pickJob(ctx, ctx.store.allJobs().filter(JOB_FILTERS.called.matches), placeHolder));
      if (!found) return undefined;
      // From a script (`{jobId, component?}`) there is nobody to ask which call: take the one named, or the first.
      const scripted = arg !== undefined && !('kind' in arg);
      return show(found, shown, scripted ? (arg.component ?? '') : undefined);
    });
  return [
    register(CommandIds.showPrompt, 'prompt', 'Job whose prompt to show'),
    register(CommandIds.showAnswer, 'answer', 'Job whose answer to show'),
    register(CommandIds.showRawResponse, 'raw', 'Job whose raw response to show'),
  ];
}

function artifactsOf(found: JobTarget): vscode.Uri {
  const { job, folder } = found;
  return folderUri(folder, job.artifactsPath ?? artifactsFolder(job.modelSlug, job.appNum));
}

/** The job's calls, oldest first; an older job's of the same app when this one left none. */
async function callsOf(found: JobTarget): Promise<CallFiles[] | undefined> {
  const dir = artifactsOf(found);
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return undefined;
  }
  const answers = entries
    .filter(([, type]) => type === vscode.FileType.File)
    .map(([name]) => parseArtifactAnswerName(name))
    .filter((call) => call !== undefined);
  const own = answers.filter((call) => call.jobId === found.job.id);
  const chosen = own.length > 0 ? own : answers;
  const calls = await Promise.all(
    chosen.map(async ({ jobId, component }) => ({
      jobId,
      component,
      modified: (
        await vscode.workspace.fs.stat(
          vscode.Uri.joinPath(dir, artifactFileName(jobId, component, 'response')),
        )
      ).mtime,
    })),
  );
  return calls.sort((a, b) => a.modified - b.modified);
}

async function pickCall(calls: CallFiles[], component: string | undefined): Promise<CallFiles | undefined> {
  if (component !== undefined) return calls.find((call) => call.component === component) ?? calls[0];
  if (calls.length === 1) return calls[0];
  const picked = await vscode.window.showQuickPick(
    calls.map((call) => ({
      label: call.component,
      description: new Date(call.modified).toLocaleString(),
      call,
    })),
    { placeHolder: 'Which model call?' },
  );
  return picked?.call;
}

async function show(found: JobTarget, shown: Shown, component?: string): Promise<vscode.Uri | undefined> {
  const calls = await callsOf(found);
  if (!calls || calls.length === 0) {
    void vscode.window.showInformationMessage('AppGen: this job has no saved model call.');
    return undefined;
  }
  const call = await pickCall(calls, component);
  if (!call) return undefined;
  const dir = artifactsOf(found);
  if (shown === 'raw') {
    const uri = vscode.Uri.joinPath(dir, artifactFileName(call.jobId, call.component, 'response'));
    await vscode.window.showTextDocument(uri, { preview: true });
    return uri;
  }
  const file = vscode.Uri.joinPath(
    dir,
    artifactFileName(call.jobId, call.component, shown === 'prompt' ? 'request' : 'response'),
  );
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const title = `${shown === 'prompt' ? 'Prompt' : 'Answer'}: ${describe(found.job)}, ${call.component}`;
  const content = shown === 'prompt' ? promptMarkdown(title, text) : answerMarkdown(title, text);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: true });
  return document.uri;
}

function describe(job: Job): string {
  return `${job.model} app${job.appNum} (${job.templateSlug})`;
}
