/**
 * The extension's entry point: builds the parts and wires them together, nothing else. The
 * daemon is not started here but on first use (a command, or the jobs view being shown).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HISTORY_FILE } from '../shared/workspace-layout';
import { ApiKeyStore } from './api-key-store';
import { BatchFileAssist } from './batch-file-assist';
import { JOBS_VIEW_ID } from './command-ids';
import { registerBatchCommands } from './commands/batch-commands';
import { registerBatchRowCommands } from './commands/batch-row-commands';
import { registerCheckCommands } from './commands/check-commands';
import type { CommandContext, PickerSnapshot } from './commands/command-context';
import { registerCompareCommands } from './commands/compare-commands';
import { registerDaemonCommands } from './commands/daemon-commands';
import { registerGenerateCommands } from './commands/generate-commands';
import { registerJobCommands } from './commands/job-commands';
import { registerProvenanceCommands } from './commands/provenance-commands';
import { registerVersionCommands } from './commands/version-commands';
import type { CompareScope } from './compare/compare-model';
import { COMPARE_VIEW_TYPE, ComparePanels } from './compare/compare-panel';
import { DaemonPool } from './daemon-pool';
import { JobContextKeys } from './job-context-keys';
import { JobStore } from './job-store';
import { JobsTreeProvider } from './jobs-tree-provider';
import { RecentModels } from './recent-models';
import { StatusBar } from './status-bar';
import { type AppGenApi, createTestApi } from './test-api';
import { countByStatus } from './tree-model';

let pool: DaemonPool | undefined;

export function activate(context: vscode.ExtensionContext): AppGenApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('AppGen', { log: true });
  const store = new JobStore();
  const keys = new ApiKeyStore(context.secrets);
  pool = new DaemonPool(path.join(context.extensionPath, 'dist', 'daemon.js'), log, keys, store);
  const daemons = pool;
  const tree = new JobsTreeProvider(store, () => void loadFoldersWithHistory(daemons));
  const view = vscode.window.createTreeView(JOBS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new StatusBar(store, daemons);
  const contextKeys = new JobContextKeys(store, (key, value) => {
    void vscode.commands.executeCommand('setContext', key, value);
  });
  const recentModels = new RecentModels(context.workspaceState);
  const pickerShown = new vscode.EventEmitter<PickerSnapshot>();
  const ctx: CommandContext = { pool: daemons, store, keys, log, tree, view, recentModels, pickerShown };

  const updateBadge = () => {
    const counts = countByStatus(store.allJobs());
    const active = counts.running + counts.queued;
    view.badge =
      active > 0
        ? { value: active, tooltip: `AppGen: ${active} ${active === 1 ? 'job' : 'jobs'} running or queued` }
        : undefined;
  };
  const updateKeyContext = async () => {
    await vscode.commands.executeCommand('setContext', 'appgen.hasApiKey', Boolean(await keys.get()));
  };
  void updateKeyContext();

  const comparePanels = new ComparePanels(context.extensionUri, store);
  const batchFileAssist = new BatchFileAssist(daemons);
  const api = createTestApi(daemons, store, tree, statusBar, pickerShown.event);
  context.subscriptions.push(
    log,
    pickerShown,
    daemons,
    tree,
    view,
    statusBar,
    contextKeys,
    api,
    ...registerGenerateCommands(ctx),
    ...registerBatchCommands(ctx),
    ...registerBatchRowCommands(ctx),
    ...registerJobCommands(ctx),
    ...registerVersionCommands(ctx),
    ...registerProvenanceCommands(ctx),
    ...registerCheckCommands(ctx, context.workspaceState),
    comparePanels,
    batchFileAssist,
    ...registerCompareCommands(ctx, comparePanels),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: { scope?: CompareScope } | undefined) => {
        comparePanels.restore(panel, state?.scope ?? {});
      },
    }),
    ...registerDaemonCommands(ctx),
    store.onDidChange(updateBadge),
    keys.onDidChange(() => {
      void updateKeyContext();
      void daemons.reinitializeAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // The view stayed empty in Restricted Mode; show the history now if someone is looking.
      if (view.visible) void loadFoldersWithHistory(daemons);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('appgen') && !event.affectsConfiguration('appgen.tree')) {
        void daemons.reinitializeAll();
      }
    }),
  );
  api.activationMs = performance.now() - started;
  return api;
}

/** Shows the history of folders that have been used with AppGen before; others stay daemon-free. */
async function loadFoldersWithHistory(daemons: DaemonPool): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, ...HISTORY_FILE.split('/')));
    } catch {
      continue;
    }
    await daemons.reload(folder);
  }
}

export async function deactivate(): Promise<void> {
  // daemon/shutdown first, then a kill after the grace period (see DaemonClient.stop).
  await pool?.disposeAsync();
  pool = undefined;
}
