/** Commands about the daemon and its state: logs, restart, API key, legacy import, refresh. */
import * as vscode from 'vscode';
import { HistoryImportLegacyRequest, type InitializeResult, ResumeRequest } from '../../shared/protocol';
import { CommandIds } from '../command-ids';
import { type CommandContext, checkTrusted, showError } from './command-context';

export function registerDaemonCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.showLogs, () => ctx.log.show()),
    vscode.commands.registerCommand(CommandIds.restartDaemon, (args?: { folder?: string }) =>
      restartDaemon(ctx, args),
    ),
    vscode.commands.registerCommand(CommandIds.setApiKey, (args?: { apiKey?: string }) =>
      setApiKey(ctx, args),
    ),
    vscode.commands.registerCommand(CommandIds.clearApiKey, () => clearApiKey(ctx)),
    vscode.commands.registerCommand(
      CommandIds.importLegacyHistory,
      (args?: { folder?: string; dbPath?: string }) => importLegacyHistory(ctx, args),
    ),
    vscode.commands.registerCommand(CommandIds.refresh, () => refresh(ctx)),
    vscode.commands.registerCommand(CommandIds.resumeQueue, (args?: { folder?: string }) =>
      resumeQueue(ctx, args),
    ),
  ];
}

/**
 * After OpenRouter said the credits ran out, or jobs were left waiting without a key, the daemon
 * keeps them queued (across reloads too) until this.
 */
async function resumeQueue(ctx: CommandContext, args: { folder?: string } = {}): Promise<boolean> {
  if (!checkTrusted('start generations')) return false;
  const folder = await ctx.pool.pickFolder(args.folder, 'Resume the queue of which folder?');
  if (!folder) return false;
  try {
    const { resumed } = await ctx.pool.clientFor(folder).request(ResumeRequest, {});
    await ctx.pool.refreshPause(folder);
    void vscode.window.setStatusBarMessage(
      resumed ? 'AppGen: queue resumed' : 'AppGen: the queue was not paused',
      3000,
    );
    return resumed;
  } catch (error) {
    showError('the queue could not be resumed', error);
    return false;
  }
}

async function restartDaemon(
  ctx: CommandContext,
  args: { folder?: string } = {},
): Promise<InitializeResult | undefined> {
  if (!checkTrusted('start its daemon')) return undefined;
  const folder = await ctx.pool.pickFolder(args.folder, 'Restart the daemon of which folder?');
  if (!folder) return undefined;
  try {
    const result = await ctx.pool.clientFor(folder).restart();
    void vscode.window.setStatusBarMessage('AppGen: daemon restarted', 3000);
    return result;
  } catch (error) {
    showError('the daemon did not start', error);
    return undefined;
  }
}

/** Keys are single tokens; anything with spaces is a paste gone wrong. */
function validateKey(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Paste your OpenRouter API key';
  if (/\s/.test(key)) return 'An API key has no spaces';
  return undefined;
}

async function setApiKey(ctx: CommandContext, args: { apiKey?: string } = {}): Promise<boolean> {
  const apiKey =
    args.apiKey ??
    (await vscode.window.showInputBox({
      title: 'OpenRouter API key',
      prompt: "Stored in VS Code's secret storage, never in settings. Get one at openrouter.ai/keys.",
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-or-…',
      validateInput: validateKey,
    }));
  if (apiKey === undefined) return false;
  const problem = validateKey(apiKey);
  if (problem) {
    void vscode.window.showErrorMessage(`AppGen: ${problem}.`);
    return false;
  }
  await ctx.keys.set(apiKey);
  await ctx.pool.reinitializeAll();
  void vscode.window.setStatusBarMessage('AppGen: API key saved', 3000);
  // Jobs that waited for a key stay waiting: starting them spends, so the user says when.
  if (/\bno OpenRouter API key\b/i.test(ctx.pool.pausedReason() ?? '')) void offerResumeWithKey();
  return true;
}

async function offerResumeWithKey(): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    'AppGen: jobs are waiting, paused until there was a key. Resume them now?',
    'Resume Queue',
  );
  if (choice === 'Resume Queue') await vscode.commands.executeCommand(CommandIds.resumeQueue);
}

async function clearApiKey(ctx: CommandContext): Promise<boolean> {
  await ctx.keys.clear();
  // A running daemon keeps the key it was given; restarting it is the way to make it forget.
  await ctx.pool.restartStarted();
  void vscode.window.setStatusBarMessage('AppGen: API key cleared', 3000);
  return true;
}

async function importLegacyHistory(
  ctx: CommandContext,
  args: { folder?: string; dbPath?: string } = {},
): Promise<{ imported: number; skipped: number } | undefined> {
  if (!checkTrusted('import history')) return undefined;
  const folder = await ctx.pool.pickFolder(args.folder, "Import into which folder's history?");
  if (!folder) return undefined;
  let dbPath = args.dbPath;
  if (!dbPath) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: folder.uri,
      filters: { 'SQLite databases': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] },
      openLabel: 'Import',
      title: 'Database of the old generator (table generated_applications)',
    });
    dbPath = picked?.[0]?.fsPath;
  }
  if (!dbPath) return undefined;
  try {
    const result = await ctx.pool.clientFor(folder).request(HistoryImportLegacyRequest, { dbPath });
    void vscode.window.showInformationMessage(
      `AppGen: imported ${result.imported} ${result.imported === 1 ? 'entry' : 'entries'}, skipped ${result.skipped} already imported.`,
    );
    await ctx.pool.reload(folder);
    return result;
  } catch (error) {
    showError('the import failed', error);
    return undefined;
  }
}

async function refresh(ctx: CommandContext): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  await Promise.all((vscode.workspace.workspaceFolders ?? []).map((folder) => ctx.pool.reload(folder)));
}
