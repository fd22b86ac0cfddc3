/** The messages between the comparison panel and its webview, declared once for both sides. */
import type { CompareData, CompareScope } from './compare-model';

/** Extension -> webview. */
export type ToWebview = { type: 'data'; data: CompareData; scope: CompareScope };

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'open' | 'reveal' | 'prompt' | 'answer'; jobId: string }
  | { type: 'diff' | 'sideBySide'; jobIds: [string, string] }
  | { type: 'export' };

/** What the webview keeps across reloads (VS Code's webview state). */
export interface CompareViewState {
  scope: CompareScope;
  selected: string[];
  filter: { model: string; template: string; status: string };
  sort: 'model' | 'score' | 'cost' | 'success';
}
