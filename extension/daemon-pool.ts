/**
 * One daemon per workspace folder that is used. Creates clients lazily, feeds their notifications
 * into the job store, reloads a folder's jobs after each (re)start, and asks which folder to use
 * when that is ambiguous.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InitializeParams } from '../shared/protocol';
import { GenerationListRequest, HistoryListRequest, StatusRequest } from '../shared/protocol';
import type { ApiKeyStore } from './api-key-store';
import { readSettings, toConfigOverrides } from './config-reader';
import { DaemonClient, type DaemonLog } from './daemon-client';
import type { JobStore } from './job-store';
import { settingLookup } from './settings';

const HISTORY_LIMIT = 500;

/** A folder as given to commands: a WorkspaceFolder, its URI, or its path. */
export type FolderHint = vscode.WorkspaceFolder | vscode.Uri | string | undefined;

export class DaemonPool implements vscode.Disposable {
  private readonly clients = new Map<string, DaemonClient>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** A daemon started, stopped, crashed or was restarted. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly initializedEmitter = new vscode.EventEmitter<string>();
  /** A daemon answered `initialize` (the argument is its folder's path). */
  readonly onDidInitialize = this.initializedEmitter.event;
  /** Why each folder's queue is paused, by folder key; absent when it runs. */
  private readonly paused = new Map<string, string>();
  private readonly pauseEmitter = new vscode.EventEmitter<void>();
  /** A folder's queue paused or resumed. */
  readonly onDidChangePause = this.pauseEmitter.event;

  constructor(
    private readonly daemonPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly keys: ApiKeyStore,
    private readonly store: JobStore,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const folder of event.removed) void this.forget(folder.uri.toString());
      }),
    );
  }

  /** The folder's client, created (not started) on first ask. */
  clientFor(folder: vscode.WorkspaceFolder): DaemonClient {
    const key = folder.uri.toString();
    let client = this.clients.get(key);
    if (client) return client;
    client = new DaemonClient({
      folder: folder.uri.fsPath,
      daemonPath: this.daemonPath,
      initializeParams: () => this.initializeParams(folder),
      log: this.folderLog(folder),
    });
    this.clients.set(key, client);
    client.onJobChanged((job) => {
      this.store.upsert(key, job);
      if (job.status === 'failed' && job.error?.code === 'insufficient_credits')
        void this.offerResume(folder);
    });
    client.onReady(() => void this.reload(folder));
    client.onDidChangeState(() => this.changeEmitter.fire());
    client.onDidInitialize(() => {
      this.initializedEmitter.fire(folder.uri.fsPath);
      void this.refreshPause(folder);
    });
    client.onPaused((reason) => this.setPause(key, reason));
    client.onGaveUp((reason) => void this.offerRestart(folder, reason));
    return client;
  }

  /** Why some folder's queue is paused (the first one found), or undefined when none is. */
  pausedReason(): string | undefined {
    return this.paused.values().next().value;
  }

  /** Asks the folder's daemon whether its queue is paused (after a start, a resume, a reload). */
  async refreshPause(folder: vscode.WorkspaceFolder): Promise<void> {
    try {
      const status = await this.clientFor(folder).request(StatusRequest, {});
      this.setPause(folder.uri.toString(), status.paused);
    } catch {
      // A daemon that cannot answer is shown by its state, not as paused.
    }
  }

  private setPause(key: string, reason: string | undefined): void {
    if (this.paused.get(key) === reason) return;
    if (reason === undefined) this.paused.delete(key);
    else this.paused.set(key, reason);
    this.pauseEmitter.fire();
  }

  /** Clients whose daemon has been started (running, starting or restarting). */
  startedClients(): DaemonClient[] {
    return [...this.clients.values()].filter(
      (client) => client.state !== 'stopped' && client.state !== 'failed',
    );
  }

  allClients(): DaemonClient[] {
    return [...this.clients.values()];
  }

  /** The client of an already-known folder key, if any. */
  clientByKey(key: string): DaemonClient | undefined {
    return this.clients.get(key);
  }

  /**
   * Resolves which folder a command acts on: the hinted one, the only one, or the user's choice.
   * Undefined when there is no folder or the user dismissed the choice.
   */
  async pickFolder(
    hint?: FolderHint,
    placeHolder = 'Workspace folder for AppGen',
  ): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (hint !== undefined) {
      const found = matchFolder(folders, hint);
      if (found) return found;
    }
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('AppGen works on a workspace folder: open a folder first.');
      return undefined;
    }
    if (folders.length === 1) return folders[0];
    return vscode.window.showWorkspaceFolderPick({ placeHolder, ignoreFocusOut: true });
  }

  folderByKey(key: string): vscode.WorkspaceFolder | undefined {
    return (vscode.workspace.workspaceFolders ?? []).find((folder) => folder.uri.toString() === key);
  }

  /** Reloads a folder's jobs from its daemon (history plus anything unfinished). */
  async reload(folder: vscode.WorkspaceFolder): Promise<void> {
    const client = this.clientFor(folder);
    try {
      const [history, current] = await Promise.all([
        client.request(HistoryListRequest, { limit: HISTORY_LIMIT }),
        client.request(GenerationListRequest, {}),
      ]);
      const byId = new Map(history.map((job) => [job.id, job]));
      for (const job of current) byId.set(job.id, job);
      this.store.replaceAll(folder.uri.toString(), [...byId.values()]);
    } catch (error) {
      this.log.warn(`could not load jobs of ${folder.name}: ${(error as Error).message}`);
    }
  }

  /** Re-sends `initialize` to every started daemon (settings or key changed). */
  async reinitializeAll(): Promise<void> {
    await Promise.all(
      this.startedClients().map((client) =>
        client.reinitialize().catch((error: Error) => {
          void vscode.window.showErrorMessage(
            `AppGen: the daemon refused the new settings: ${error.message}`,
          );
        }),
      ),
    );
  }

  /** Restarts every started daemon, so it forgets the key it was given. */
  async restartStarted(): Promise<void> {
    await Promise.all(this.startedClients().map((client) => client.restart().catch(() => undefined)));
  }

  private async forget(key: string): Promise<void> {
    const client = this.clients.get(key);
    this.clients.delete(key);
    this.store.removeFolder(key);
    this.setPause(key, undefined);
    await client?.dispose();
    this.changeEmitter.fire();
  }

  private async initializeParams(folder: vscode.WorkspaceFolder): Promise<InitializeParams> {
    const settings = readSettings(settingLookup(folder.uri));
    const params: InitializeParams = { clientName: 'vscode', config: toConfigOverrides(settings) };
    const apiKey = await this.keys.get();
    if (apiKey) params.apiKey = apiKey;
    return params;
  }

  private folderLog(folder: vscode.WorkspaceFolder): DaemonLog {
    // In multi-root workspaces, say which folder's daemon wrote a line.
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const prefix = multi ? `[${folder.name}] ` : '';
    const log = this.log;
    return {
      trace: (message: string) => log.trace(prefix + message),
      debug: (message: string) => log.debug(prefix + message),
      info: (message: string) => log.info(prefix + message),
      warn: (message: string) => log.warn(prefix + message),
      error: (message: string) => log.error(prefix + message),
    };
  }

  private creditsWarningShown = false;

  /** The daemon paused its queue because the credits ran out; say so once, with the way out. */
  private async offerResume(folder: vscode.WorkspaceFolder): Promise<void> {
    if (this.creditsWarningShown) return;
    this.creditsWarningShown = true;
    try {
      const choice = await vscode.window.showWarningMessage(
        'AppGen: OpenRouter reports insufficient credits (HTTP 402). Waiting jobs are paused, not failed. Add credits, then resume.',
        'Resume Queue',
        'Open OpenRouter Credits',
      );
      if (choice === 'Resume Queue') {
        await vscode.commands.executeCommand('appgen.resumeQueue', { folder: folder.uri.fsPath });
      } else if (choice === 'Open OpenRouter Credits') {
        await vscode.env.openExternal(vscode.Uri.parse('https://openrouter.ai/settings/credits'));
      }
    } finally {
      this.creditsWarningShown = false;
    }
  }

  private async offerRestart(folder: vscode.WorkspaceFolder, reason: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(`AppGen: ${reason}`, 'Restart', 'Show Logs');
    if (choice === 'Restart') {
      await this.clientFor(folder)
        .restart()
        .catch((error: Error) => vscode.window.showErrorMessage(`AppGen: restart failed: ${error.message}`));
    } else if (choice === 'Show Logs') {
      this.log.show();
    }
  }

  async disposeAsync(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }

  dispose(): void {
    void this.disposeAsync();
    for (const disposable of this.disposables) disposable.dispose();
    this.changeEmitter.dispose();
    this.initializedEmitter.dispose();
    this.pauseEmitter.dispose();
  }
}

function matchFolder(
  folders: readonly vscode.WorkspaceFolder[],
  hint: Exclude<FolderHint, undefined>,
): vscode.WorkspaceFolder | undefined {
  if (typeof hint === 'string') {
    const wanted = path.resolve(hint);
    return folders.find((folder) => folder.uri.fsPath === wanted || folder.name === hint);
  }
  if (hint instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(hint);
  return folders.find((folder) => folder.uri.toString() === hint.uri.toString());
}
