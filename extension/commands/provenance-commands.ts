/**
 * Where an app came from, readable: Show Prompt (what was sent, as Markdown), Show Answer (the
 * model's text assembled from the stream, as Markdown) and Show Raw Response (the response file as
 * it came). A job with several model calls asks which, naming each by component and time.
 */
import * as vscode from 'vscode';
import type { Job } from '../../shared/job';
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
  component: string;
  /** `<jobId>.<component>`: the files are `<base>.request.json`, `.response.txt`, `.meta.json`. */
  base: string;
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
  return folderUri(folder, job.artifactsPath ?? `.appgen/artifacts/${job.modelSlug}/app${job.appNum}`);
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
  const bases = entries
    .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.response.txt'))
    .map(([name]) => name.slice(0, -'.response.txt'.length));
  const own = bases.filter((base) => base.startsWith(`${found.job.id}.`));
  const chosen = own.length > 0 ? own : bases;
  const calls = await Promise.all(
    chosen.map(async (base) => ({
      base,
      component: base.slice(base.lastIndexOf('.') + 1),
      modified: (await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, `${base}.response.txt`))).mtime,
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
    const uri = vscode.Uri.joinPath(dir, `${call.base}.response.txt`);
    await vscode.window.showTextDocument(uri, { preview: true });
    return uri;
  }
  const file = vscode.Uri.joinPath(
    dir,
    `${call.base}.${shown === 'prompt' ? 'request.json' : 'response.txt'}`,
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
