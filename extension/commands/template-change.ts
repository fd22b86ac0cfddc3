/**
 * Generating into an app number that already holds an app of another template replaces that app
 * (its current version is kept under `.appgen/versions/`). The app's manifest says which template
 * it holds; Generate App asks before such a replacement.
 */
import * as vscode from 'vscode';
import { readManifest } from '../../shared/app-manifest';
import { modelSlug } from '../../shared/model-slug';
import { APP_MANIFEST_FILE, appRelativePath } from '../../shared/workspace-layout';

/** An existing app that a generation would replace with one of another template. */
export interface TemplateChange {
  model: string;
  appNum: number;
  /** The template the app holds now. */
  current: string;
}

/** The apps among `models` x `appNum` that hold a template other than `templateSlug`. */
export async function templateChanges(
  folder: vscode.Uri,
  outputDir: string,
  models: readonly string[],
  appNum: number,
  templateSlug: string,
): Promise<TemplateChange[]> {
  const changes: TemplateChange[] = [];
  for (const model of models) {
    const app = appRelativePath(outputDir, modelSlug(model), appNum);
    const manifest = vscode.Uri.joinPath(folder, ...app.split('/'), APP_MANIFEST_FILE);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest));
    } catch {
      continue; // no app there yet: nothing is replaced
    }
    const current = readManifest(text)?.template;
    if (current !== undefined && current !== templateSlug) changes.push({ model, appNum, current });
  }
  return changes;
}

/** One line per app that would change template, for the question. */
export function templateChangeText(changes: readonly TemplateChange[], templateSlug: string): string {
  const apps = changes.map((change) => `app${change.appNum} of ${change.model} holds ${change.current}`);
  return `${apps.join('; ')}. Generating ${templateSlug} there replaces ${changes.length === 1 ? 'it' : 'them'}; the current version is kept (AppGen: Show Previous Versions).`;
}

/** Asks whether to replace apps of another template; true to go on. */
export async function confirmTemplateChanges(
  changes: readonly TemplateChange[],
  templateSlug: string,
): Promise<boolean> {
  if (changes.length === 0) return true;
  const choice = await vscode.window.showWarningMessage(
    `AppGen: ${templateChangeText(changes, templateSlug)}`,
    { modal: true },
    'Replace',
  );
  return choice === 'Replace';
}
