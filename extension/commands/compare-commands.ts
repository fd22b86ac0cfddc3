/**
 * AppGen: Compare (a batch, or all runs of a template, as templates x models), the diff of one file
 * of two apps (VS Code's diff editor) or the two apps side by side, and AppGen: Export Results.
 */
import * as vscode from 'vscode';
import { EXPORT_COLUMNS, exportRow, toCsv } from '../../shared/export-rows';
import type { Job } from '../../shared/job';
import { APP_BOOKKEEPING_FILES, MAIN_FILES, reportBatchId } from '../../shared/workspace-layout';
import { CommandIds } from '../command-ids';
import type { CompareScope } from '../compare/compare-model';
import type { ComparePanels } from '../compare/compare-panel';
import type { TreeNode } from '../tree-model';
import { type CommandContext, folderUri } from './command-context';

/** Files offered first when choosing what to diff. */
const FIRST_FILES: readonly string[] = Object.values(MAIN_FILES);

export function registerCompareCommands(ctx: CommandContext, panels: ComparePanels): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      CommandIds.compare,
      async (arg?: TreeNode | CompareScope | vscode.Uri) => {
        const scope = await scopeOf(ctx, arg);
        if (!scope) return undefined;
        panels.open(scope);
        return panels.dataOf(scope);
      },
    ),
    vscode.commands.registerCommand(
      CommandIds.compareDiff,
      (args: { jobIds: [string, string]; file?: string; sideBySide?: boolean }) => diffApps(ctx, args),
    ),
    vscode.commands.registerCommand(
      CommandIds.exportResults,
      (args?: CompareScope & { format?: 'csv' | 'json'; path?: string }) => exportResults(ctx, args),
    ),
  ];
}

async function scopeOf(
  ctx: CommandContext,
  arg: TreeNode | CompareScope | vscode.Uri | undefined,
): Promise<CompareScope | undefined> {
  // The button of a batch report (`.appgen/reports/<batchId>.md`) compares that batch.
  if (arg instanceof vscode.Uri) {
    const batchId = reportBatchId(arg.fsPath);
    return batchId ? { batchId } : undefined;
  }
  if (arg && 'kind' in arg)
    return arg.kind === 'group' && arg.batch ? { batchId: arg.batch.batchId } : undefined;
  if (arg && (arg.batchId !== undefined || arg.templateSlug !== undefined)) return arg;
  const jobs = ctx.store.allJobs();
  const batches = new Map<string, Job[]>();
  for (const job of jobs) {
    if (!job.batchId) continue;
    const list = batches.get(job.batchId);
    if (list) list.push(job);
    else batches.set(job.batchId, [job]);
  }
  type Item = vscode.QuickPickItem & { scope: CompareScope };
  const batchItems: Item[] = [...batches.entries()]
    .map(([batchId, list]) => ({ batchId, list, first: list.map((j) => j.createdAt).sort()[0]! }))
    .sort((a, b) => b.first.localeCompare(a.first))
    .map(({ batchId, list, first }) => ({
      label: `Batch ${batchId.slice(0, 8)}`,
      description: `${list.length} jobs · ${new Date(first).toLocaleString()}`,
      scope: { batchId },
    }));
  const templateItems: Item[] = [...new Set(jobs.map((job) => job.templateSlug))].sort().map((slug) => ({
    label: `All runs of ${slug}`,
    scope: { templateSlug: slug },
  }));
  if (batchItems.length + templateItems.length === 0) {
    void vscode.window.showInformationMessage('AppGen: nothing to compare yet: generate some apps first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick([...batchItems, ...templateItems], {
    placeHolder: 'Compare which runs?',
  });
  return picked?.scope;
}

/** App-relative paths of every file of an app, found on disk. */
async function appFiles(root: vscode.Uri, prefix = ''): Promise<string[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(
      vscode.Uri.joinPath(root, ...prefix.split('/').filter(Boolean)),
    );
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const [name, type] of entries) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === vscode.FileType.Directory && name !== 'node_modules')
      files.push(...(await appFiles(root, path)));
    else if (type === vscode.FileType.File) files.push(path);
  }
  return files;
}

async function diffApps(
  ctx: CommandContext,
  args: { jobIds: [string, string]; file?: string; sideBySide?: boolean },
): Promise<string | undefined> {
  const found = args.jobIds.map((id) => ctx.store.find(id));
  const [a, b] = found;
  if (!a || !b) {
    void vscode.window.showWarningMessage('AppGen: choose two apps the jobs view knows.');
    return undefined;
  }
  const folderA = ctx.pool.folderByKey(a.folderKey);
  const folderB = ctx.pool.folderByKey(b.folderKey);
  if (!folderA || !folderB) return undefined;
  const rootA = folderUri(folderA, a.job.appPath);
  const rootB = folderUri(folderB, b.job.appPath);
  const label = (job: Job) => `${job.model} app${job.appNum}`;
  if (args.sideBySide) {
    const file = args.file ?? MAIN_FILES.backend;
    await vscode.window.showTextDocument(vscode.Uri.joinPath(rootA, ...file.split('/')), {
      viewColumn: vscode.ViewColumn.One,
    });
    await vscode.window.showTextDocument(vscode.Uri.joinPath(rootB, ...file.split('/')), {
      viewColumn: vscode.ViewColumn.Two,
    });
    return file;
  }
  let file = args.file;
  if (!file) {
    const inB = new Set(await appFiles(rootB));
    // AppGen's own files about each app differ by nature; the apps' code is what is compared.
    const shared = (await appFiles(rootA)).filter(
      (path) => inB.has(path) && !APP_BOOKKEEPING_FILES.includes(path),
    );
    if (shared.length === 0) {
      void vscode.window.showInformationMessage(`AppGen: ${label(a.job)} and ${label(b.job)} share no file.`);
      return undefined;
    }
    const ordered = [
      ...FIRST_FILES.filter((main) => shared.includes(main)),
      ...shared.filter((p) => !FIRST_FILES.includes(p)).sort(),
    ];
    file = await vscode.window.showQuickPick(ordered, { placeHolder: 'Diff which file of the two apps?' });
    if (!file) return undefined;
  }
  await vscode.commands.executeCommand(
    'vscode.diff',
    vscode.Uri.joinPath(rootA, ...file.split('/')),
    vscode.Uri.joinPath(rootB, ...file.split('/')),
    `${file}: ${label(a.job)} ↔ ${label(b.job)}`,
  );
  return file;
}

async function exportResults(
  ctx: CommandContext,
  args: CompareScope & { format?: 'csv' | 'json'; path?: string } = {},
): Promise<vscode.Uri | undefined> {
  const jobs = ctx.store
    .allJobs()
    .filter(
      (job) =>
        (args.batchId === undefined || job.batchId === args.batchId) &&
        (args.templateSlug === undefined || job.templateSlug === args.templateSlug),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const format =
    args.format ??
    ((await vscode.window.showQuickPick(['csv', 'json'], { placeHolder: 'Export as' })) as
      | 'csv'
      | 'json'
      | undefined);
  if (!format) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const target = args.path
    ? vscode.Uri.file(args.path)
    : await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder.uri, `appgen-results.${format}`) : undefined,
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      });
  if (!target) return undefined;
  const rows = jobs.map(exportRow);
  const text =
    format === 'csv' ? toCsv(rows) : `${JSON.stringify({ columns: EXPORT_COLUMNS, jobs: rows }, null, 2)}\n`;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  void vscode.window.setStatusBarMessage(`AppGen: exported ${rows.length} jobs`, 3000);
  return target;
}
