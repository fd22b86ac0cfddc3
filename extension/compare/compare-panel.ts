/**
 * The comparison view's panel: one webview per scope (a batch, or all runs of a template), fed from
 * the job store so it follows `generation/changed` live, restored after a reload from its webview
 * state, and answering the webview's actions (open, reveal, prompt, answer, diff, side by side).
 * The page ships in the extension and runs under a strict Content-Security-Policy with a nonce.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds } from '../command-ids';
import type { JobStore } from '../job-store';
import type { FromWebview, ToWebview } from './compare-messages';
import { buildCompareData, type CompareData, type CompareScope } from './compare-model';

export const COMPARE_VIEW_TYPE = 'appgen.compare';

export class ComparePanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; scope: CompareScope }>();
  private readonly subscription: { dispose(): void };
  private readonly emitter = new vscode.EventEmitter<CompareData>();
  /** Fires with what a panel was just sent (for tests and other extensions). */
  readonly onDidPost = this.emitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: JobStore,
  ) {
    this.subscription = store.onDidChange(() => {
      for (const entry of this.panels.values()) this.post(entry.panel, entry.scope);
    });
  }

  /** Opens (or reveals) the panel of a scope. */
  open(scope: CompareScope): vscode.WebviewPanel {
    const key = keyOf(scope);
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      this.post(existing.panel, scope);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      titleOf(scope),
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [this.media()],
      },
    );
    this.adopt(panel, scope);
    return panel;
  }

  /** Takes a panel VS Code restored after a reload over, with the scope its state kept. */
  restore(panel: vscode.WebviewPanel, scope: CompareScope): void {
    this.adopt(panel, scope);
  }

  /** What the panel of a scope shows now, if it is open. */
  dataOf(scope: CompareScope): CompareData | undefined {
    return this.panels.has(keyOf(scope)) ? this.dataFor(scope) : undefined;
  }

  private adopt(panel: vscode.WebviewPanel, scope: CompareScope): void {
    const key = keyOf(scope);
    this.panels.set(key, { panel, scope });
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.media()] };
    panel.webview.html = this.html(panel.webview, scope);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'extension', 'media', 'appgen.svg');
    panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(panel, scope, message));
    panel.onDidDispose(() => this.panels.delete(key));
  }

  private media(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist');
  }

  private dataFor(scope: CompareScope): CompareData {
    return buildCompareData(this.store.allJobs(), scope);
  }

  private post(panel: vscode.WebviewPanel, scope: CompareScope): void {
    const data = this.dataFor(scope);
    const message: ToWebview = { type: 'data', data, scope };
    void panel.webview.postMessage(message);
    this.emitter.fire(data);
  }

  private receive(panel: vscode.WebviewPanel, scope: CompareScope, message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.post(panel, scope);
        return;
      case 'open':
        void vscode.commands.executeCommand(CommandIds.openApp, { jobId: message.jobId });
        return;
      case 'reveal':
        void vscode.commands.executeCommand(CommandIds.revealInExplorer, { jobId: message.jobId });
        return;
      case 'prompt':
        void vscode.commands.executeCommand(CommandIds.showPrompt, { jobId: message.jobId });
        return;
      case 'answer':
        void vscode.commands.executeCommand(CommandIds.showAnswer, { jobId: message.jobId });
        return;
      case 'diff':
        void vscode.commands.executeCommand(CommandIds.compareDiff, { jobIds: message.jobIds });
        return;
      case 'sideBySide':
        void vscode.commands.executeCommand(CommandIds.compareDiff, {
          jobIds: message.jobIds,
          sideBySide: true,
        });
        return;
      case 'export':
        void vscode.commands.executeCommand(CommandIds.exportResults, scope);
        return;
    }
  }

  private html(webview: vscode.Webview, scope: CompareScope): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.media(), 'compare-view.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.media(), 'compare-view.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    const scopeAttr = JSON.stringify(scope).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(titleOf(scope))}</title>
</head>
<body data-scope="${scopeAttr}">
<main id="root"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}

function keyOf(scope: CompareScope): string {
  return `${scope.batchId ?? ''}\u0000${scope.templateSlug ?? ''}`;
}

function titleOf(scope: CompareScope): string {
  if (scope.batchId) return `Compare: batch ${scope.batchId.slice(0, 8)}`;
  return scope.templateSlug ? `Compare: ${scope.templateSlug}` : 'Compare: all runs';
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!,
  );
}
