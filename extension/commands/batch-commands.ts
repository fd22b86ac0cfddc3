/** "Run Batch" (plan, confirm, start, follow with a cancellable progress) and "Create Batch File". */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isFinished, type Job } from '../../shared/job';
import {
  BatchCancelRequest,
  type BatchProgress,
  BatchStartRequest,
  type BatchStartResult,
  BatchStatusRequest,
  GenerationCancelRequest,
  ModelsListRequest,
  TemplatesListRequest,
} from '../../shared/protocol';
import {
  BATCH_FILE,
  parseReportFileName,
  REPORTS_FOLDER,
  reportFileName,
} from '../../shared/workspace-layout';
import { BatchFollower, type BatchProgressSource } from '../batch-follower';
import { type BatchPlan, describeBatchPlan, type ModelPrice, readBatchPlan } from '../batch-plan';
import { batchDone, batchFinishedText, batchProgressText } from '../batch-progress-text';
import { CommandIds, JOBS_VIEW_ID } from '../command-ids';
import type { DaemonClient } from '../daemon-client';
import { exampleBatchFile } from '../example-batch';
import { folderSettings } from '../settings';
import type { TreeNode } from '../tree-model';
import { ensureApiKey, NoApiKeyError } from './api-key-gate';
import { type CommandContext, checkTrusted, exists, showError } from './command-context';

/** Arguments that let scripts and tests skip the pickers and the confirmation. */
export interface RunBatchArgs {
  folder?: string;
  /** Workspace-relative or absolute path of the batch file. */
  configPath?: string;
  /** Ask before starting (default true). */
  confirm?: boolean;
}

export function registerBatchCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.runBatch, (args?: RunBatchArgs | vscode.Uri) =>
      runBatch(
        ctx,
        args instanceof vscode.Uri
          ? { configPath: args.fsPath, folder: vscode.workspace.getWorkspaceFolder(args)?.uri.fsPath }
          : args,
      ),
    ),
    vscode.commands.registerCommand(CommandIds.createBatchFile, (args?: { folder?: string }) =>
      createBatchFile(ctx, args),
    ),
    vscode.commands.registerCommand(
      CommandIds.openBatchReport,
      (args?: { folder?: string; batchId?: string } | TreeNode) =>
        openBatchReport(
          ctx,
          args && 'kind' in args
            ? args.kind === 'group' && args.batch
              ? {
                  folder: ctx.pool.folderByKey(args.batch.folderKey)?.uri.fsPath,
                  batchId: args.batch.batchId,
                }
              : {}
            : args,
        ),
    ),
  ];
}

/** Opens a batch's Markdown report: the given batch's, or one picked from the newest first. */
async function openBatchReport(
  ctx: CommandContext,
  args: { folder?: string; batchId?: string } = {},
): Promise<vscode.Uri | undefined> {
  const folder = await ctx.pool.pickFolder(args.folder, 'Open a batch report of which folder?');
  if (!folder) return undefined;
  const dir = vscode.Uri.joinPath(folder.uri, ...REPORTS_FOLDER.split('/'));
  let uri: vscode.Uri | undefined;
  if (args.batchId) {
    uri = vscode.Uri.joinPath(dir, reportFileName(args.batchId));
  } else {
    const entries = await vscode.workspace.fs.readDirectory(dir).then(
      (list) =>
        list.filter(
          ([name, type]) => type === vscode.FileType.File && parseReportFileName(name) !== undefined,
        ),
      () => [] as [string, vscode.FileType][],
    );
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('AppGen: no batch has finished in this folder yet.');
      return undefined;
    }
    const withTimes = await Promise.all(
      entries.map(async ([name]) => {
        const file = vscode.Uri.joinPath(dir, name);
        return { file, name, mtime: (await vscode.workspace.fs.stat(file)).mtime };
      }),
    );
    withTimes.sort((a, b) => b.mtime - a.mtime);
    const picked = await vscode.window.showQuickPick(
      withTimes.map((entry) => ({
        label: parseReportFileName(entry.name)!,
        description: new Date(entry.mtime).toLocaleString(),
        file: entry.file,
      })),
      { placeHolder: 'Batch report to open (newest first)' },
    );
    uri = picked?.file;
  }
  if (!uri) return undefined;
  if (!(await exists(uri))) {
    void vscode.window.showWarningMessage(`AppGen: there is no report for batch ${args.batchId} yet.`);
    return undefined;
  }
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return uri;
}

async function chooseBatchFile(folder: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> {
  const preset = vscode.Uri.joinPath(folder.uri, BATCH_FILE);
  if (await exists(preset)) {
    const other = 'Choose another file…';
    const choice = await vscode.window.showQuickPick([BATCH_FILE, other], {
      placeHolder: 'Batch file to run',
    });
    if (choice === BATCH_FILE) return preset;
    if (choice === undefined) return undefined;
  } else {
    const create = 'Create Batch File';
    const choice = await vscode.window.showInformationMessage(
      `AppGen: there is no ${BATCH_FILE} in ${folder.name}. Create one, or choose another batch file?`,
      create,
      'Choose File…',
    );
    if (choice === create) {
      await vscode.commands.executeCommand(CommandIds.createBatchFile, { folder: folder.uri.fsPath });
      return undefined;
    }
    if (choice === undefined) return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    defaultUri: folder.uri,
    canSelectMany: false,
    filters: { 'Batch files': ['json', 'jsonc'] },
    openLabel: 'Run Batch',
  });
  return picked?.[0];
}

async function loadPlan(client: DaemonClient, text: string): Promise<BatchPlan | undefined> {
  const [templates, models] = await Promise.all([
    client.request(TemplatesListRequest, {}).catch(() => []),
    // Prices are a nicety: a daemon that cannot list models still runs the batch.
    client.request(ModelsListRequest, {}).catch(() => []),
  ]);
  const prices = new Map<string, ModelPrice>();
  for (const model of models) {
    if (model.promptPrice !== undefined && model.completionPrice !== undefined) {
      prices.set(model.id, { prompt: model.promptPrice, completion: model.completionPrice });
    }
  }
  return readBatchPlan(
    text,
    templates.map((template) => template.slug),
    prices,
    models.map((model) => model.id),
  );
}

async function runBatch(ctx: CommandContext, args: RunBatchArgs = {}): Promise<BatchStartResult | undefined> {
  if (!checkTrusted('run batches')) return undefined;
  const folder = await ctx.pool.pickFolder(args.folder, 'Run a batch in which folder?');
  if (!folder) return undefined;
  const fileUri = args.configPath
    ? path.isAbsolute(args.configPath)
      ? vscode.Uri.file(args.configPath)
      : vscode.Uri.joinPath(folder.uri, args.configPath)
    : await chooseBatchFile(folder);
  if (!fileUri) return undefined;
  const relative = path.relative(folder.uri.fsPath, fileUri.fsPath).split(path.sep).join('/');
  const configPath = relative.startsWith('..') ? fileUri.fsPath : relative;
  const client = ctx.pool.clientFor(folder);
  try {
    await client.ensureStarted();
    if (!(await ensureApiKey(ctx, client, args.confirm !== false))) {
      if (args.confirm === false) throw new NoApiKeyError('Run Batch');
      return undefined;
    }
    if (args.confirm !== false) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri));
      const plan = await loadPlan(client, text);
      // A file the plan reader cannot understand goes straight to the daemon, which lists its problems.
      if (plan && plan.unknown.length > 0) {
        // No Start: every job of an unknown name would fail, some after being paid for.
        const open = 'Open Batch File';
        const choice = await vscode.window.showWarningMessage(
          `Batch ${configPath} names templates or models that are not known; fix it before starting.`,
          { modal: true, detail: describeBatchPlan(plan) },
          open,
        );
        if (choice === open) await vscode.window.showTextDocument(fileUri);
        return undefined;
      }
      if (plan) {
        const start = 'Start';
        const choice = await vscode.window.showInformationMessage(
          `Run batch ${configPath}?`,
          { modal: true, detail: describeBatchPlan(plan) },
          start,
        );
        if (choice !== start) return undefined;
      }
    }
    const result = await client.request(BatchStartRequest, { configPath });
    const folderKey = folder.uri.toString();
    for (const job of result.jobs) ctx.store.upsert(folderKey, job);
    void vscode.commands.executeCommand(`${JOBS_VIEW_ID}.focus`);
    // Above the budget: the daemon starts the batch anyway and stops it once the budget is spent.
    if (result.warning) void vscode.window.showWarningMessage(`AppGen: ${result.warning}`);
    void followBatch(ctx, client, folderKey, result);
    return result;
  } catch (error) {
    const open = 'Open Batch File';
    void vscode.window
      .showErrorMessage(
        `AppGen: the batch was not started: ${error instanceof Error ? error.message : String(error)}`,
        open,
      )
      .then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(fileUri);
      });
    if (args.confirm === false) throw error;
    return undefined;
  }
}

/**
 * A progress notification that follows the batch by the daemon's `batch/changed` counts until it
 * finishes; cancelling it cancels the batch. Then offers the batch's report.
 */
function followBatch(
  ctx: CommandContext,
  client: DaemonClient,
  folderKey: string,
  result: BatchStartResult,
): Thenable<void> {
  const total = result.jobs.length;
  const source: BatchProgressSource = {
    onBatchChanged: client.onBatchChanged,
    onReady: client.onReady,
    onDidChangeState: client.onDidChangeState,
    status: (batchId) => client.request(BatchStatusRequest, { batchId }),
  };
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `AppGen batch (${total} ${total === 1 ? 'job' : 'jobs'})`,
      cancellable: true,
    },
    async (progress, token) => {
      let reported = 0;
      const follower = new BatchFollower(source, result.batchId, (batch) => {
        const percent = batch.total > 0 ? (batchDone(batch) / batch.total) * 100 : 100;
        progress.report({ increment: percent - reported, message: batchProgressText(batch) });
        reported = percent;
      });
      const cancellation = token.onCancellationRequested(() => {
        const jobs = ctx.store.jobs(folderKey).filter((job) => job.batchId === result.batchId);
        void cancelBatch(client, result.batchId, jobs).catch((error) =>
          showError('could not cancel the batch', error),
        );
      });
      const finished = await follower.done;
      cancellation.dispose();
      if (finished) void offerReport(folderKey, finished);
    },
  );
}

/** Sums the batch up and offers its report, which the daemon writes as the batch ends. */
async function offerReport(folderKey: string, finished: BatchProgress): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `AppGen: ${batchFinishedText(finished)}.`,
    'Open Report',
  );
  if (choice !== 'Open Report') return;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folderKey);
  await vscode.commands.executeCommand(CommandIds.openBatchReport, {
    folder: folder?.uri.fsPath,
    batchId: finished.batchId,
  });
}

async function cancelBatch(client: DaemonClient, batchId: string, jobs: Job[]): Promise<void> {
  try {
    await client.request(BatchCancelRequest, { batchId });
  } catch {
    // A daemon without batch/cancel still cancels job by job.
    await Promise.all(
      jobs
        .filter((job) => !isFinished(job.status))
        .map((job) => client.request(GenerationCancelRequest, { jobId: job.id }).catch(() => undefined)),
    );
  }
}

async function createBatchFile(
  ctx: CommandContext,
  args: { folder?: string } = {},
): Promise<vscode.Uri | undefined> {
  const folder = await ctx.pool.pickFolder(args.folder, 'Create the batch file in which folder?');
  if (!folder) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, BATCH_FILE);
  if (!(await exists(uri))) {
    const settings = folderSettings(folder.uri);
    const text = exampleBatchFile(settings.defaultModels, ['crud_todo_list']);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  } else {
    void vscode.window.showInformationMessage(`AppGen: ${BATCH_FILE} already exists; opened it.`);
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}
