/**
 * Help while a batch file is edited: template slugs (built-in and the workspace's own) are offered
 * in `"templates"`, and a slug no template has gets a squiggle on that value, naming the closest
 * known slug. The schema cannot do this: workspace templates are only known at run time. The slugs
 * come from the folder's daemon (`templates/list`), asked again after a few seconds or when a
 * workspace template changes; in Restricted Mode nothing is asked and nothing is flagged.
 */
import * as vscode from 'vscode';
import { type TemplateSummary, TemplatesListRequest } from '../shared/protocol';
import { ALL_TEMPLATES, slugPlace, unknownSlugs } from './batch-template-slugs';
import type { DaemonPool } from './daemon-pool';

/** Batch files: the default name, and `<name>.appgen.batch.json`. */
export const BATCH_FILE_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/appgen.batch.json' },
  { pattern: '**/*.appgen.batch.json' },
];

const LIST_TTL_MS = 5000;
const RECHECK_DELAY_MS = 300;

function isBatchFile(document: vscode.TextDocument): boolean {
  return vscode.languages.match(BATCH_FILE_SELECTOR, document) > 0;
}

export class BatchFileAssist implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('appgen-batch');
  private readonly lists = new Map<string, { at: number; templates: Promise<TemplateSummary[]> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly pool: DaemonPool) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.appgen/templates/*.json');
    const forget = () => {
      this.lists.clear();
      for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document);
    };
    this.subscriptions.push(
      this.diagnostics,
      watcher,
      watcher.onDidCreate(forget),
      watcher.onDidChange(forget),
      watcher.onDidDelete(forget),
      vscode.languages.registerCompletionItemProvider(
        BATCH_FILE_SELECTOR,
        { provideCompletionItems: (document, position) => this.complete(document, position) },
        '"',
      ),
      // Checked once shown in an editor: a file only read (by Run Batch, say) starts no daemon.
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) this.schedule(editor.document);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.diagnostics.delete(document.uri)),
      vscode.workspace.onDidGrantWorkspaceTrust(forget),
    );
    for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document);
  }

  /** The templates a document's folder knows, or undefined when they cannot be had (yet). */
  private async templatesFor(document: vscode.TextDocument): Promise<TemplateSummary[] | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return undefined;
    const key = folder.uri.toString();
    let cached = this.lists.get(key);
    if (!cached || Date.now() - cached.at > LIST_TTL_MS) {
      cached = { at: Date.now(), templates: this.pool.clientFor(folder).request(TemplatesListRequest, {}) };
      this.lists.set(key, cached);
    }
    try {
      return await cached.templates;
    } catch {
      this.lists.delete(key); // a daemon that could not answer is asked again next time
      return undefined;
    }
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isBatchFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(document);
      }, RECHECK_DELAY_MS),
    );
  }

  private async check(document: vscode.TextDocument): Promise<void> {
    const templates = await this.templatesFor(document);
    if (document.isClosed) return;
    if (!templates) {
      this.diagnostics.delete(document.uri);
      return;
    }
    const text = document.getText();
    const problems = unknownSlugs(
      text,
      templates.map((template) => template.slug),
    ).map((problem) => {
      const range = new vscode.Range(
        document.positionAt(problem.offset),
        document.positionAt(problem.offset + problem.length),
      );
      const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'AppGen';
      diagnostic.code = 'unknown-template';
      return diagnostic;
    });
    this.diagnostics.set(document.uri, problems);
  }

  private async complete(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.CompletionItem[] | undefined> {
    const place = slugPlace(document.getText(), document.offsetAt(position));
    if (!place) return undefined;
    const templates = await this.templatesFor(document);
    if (!templates) return undefined;
    const quote = (value: string) => (place.inString ? value : `"${value}"`);
    const items = templates.map((template) => {
      const item = new vscode.CompletionItem(template.slug, vscode.CompletionItemKind.EnumMember);
      item.insertText = quote(template.slug);
      item.detail = `${template.name}${template.source === 'workspace' ? ' (workspace)' : ''}`;
      item.documentation = template.description;
      return item;
    });
    if (place.kind === 'templates') {
      const all = new vscode.CompletionItem(ALL_TEMPLATES, vscode.CompletionItemKind.Keyword);
      all.insertText = quote(ALL_TEMPLATES);
      all.detail = 'every built-in and workspace template';
      return [all];
    }
    return items;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
