/** "Generate App": pick a template, one or more models and an optional app number, then start jobs. */
import * as vscode from 'vscode';
import type { GenerationOptions, Job } from '../../shared/job';
import {
  GenerationStartRequest,
  type ModelInfo,
  ModelsListRequest,
  type TemplateProblem,
  type TemplateSummary,
  TemplatesListRequest,
  TemplatesProblemsRequest,
} from '../../shared/protocol';
import { SETTINGS } from '../../shared/settings';
import { CommandIds, JOBS_VIEW_ID } from '../command-ids';
import { toGenerationOptions } from '../config-reader';
import type { DaemonClient } from '../daemon-client';
import { folderSettings } from '../settings';
import { ensureApiKey, NoApiKeyError } from './api-key-gate';
import {
  type CommandContext,
  checkTrusted,
  describeError,
  type PickerSnapshot,
  showError,
} from './command-context';
import { confirmTemplateChanges, templateChanges } from './template-change';

/** Arguments that let scripts and tests skip the pickers. */
export interface GenerateAppArgs {
  folder?: string;
  templateSlug?: string;
  models?: string[];
  appNum?: number;
  options?: GenerationOptions;
  /**
   * Whether to replace an existing app of another template at `appNum` (see template-change.ts):
   * asked when absent.
   */
  replaceTemplate?: boolean;
}

const OTHER_MODEL = '$(edit) Other model id…';

export function registerGenerateCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.generateApp, (args?: GenerateAppArgs) =>
      generateApp(ctx, args),
    ),
  ];
}

async function generateApp(ctx: CommandContext, args: GenerateAppArgs = {}): Promise<Job[] | undefined> {
  if (!checkTrusted('generate apps')) return undefined;
  const folder = await ctx.pool.pickFolder(args.folder, 'Generate the app in which folder?');
  if (!folder) return undefined;
  const client = ctx.pool.clientFor(folder);
  const settings = folderSettings(folder.uri);
  const interactive = args.templateSlug === undefined || args.models === undefined;
  try {
    await client.ensureStarted();
    if (!(await ensureApiKey(ctx, client, interactive))) {
      if (!interactive) throw new NoApiKeyError('Generate App');
      return undefined;
    }
    const templateSlug =
      args.templateSlug ?? (await pickTemplate(client, folder, (snapshot) => ctx.pickerShown.fire(snapshot)));
    if (!templateSlug) return undefined;
    const models =
      args.models ??
      (await pickModels(client, settings.defaultModels, ctx.recentModels.get(), (snapshot) =>
        ctx.pickerShown.fire(snapshot),
      ));
    if (!models || models.length === 0) return undefined;
    if (interactive) await ctx.recentModels.remember(models);
    let appNum = args.appNum;
    if (appNum === undefined && interactive) {
      const answer = await askAppNumber();
      if (answer === null) return undefined;
      appNum = answer;
    }
    if (appNum !== undefined) {
      const outputDir = client.initializeResult?.outputDir ?? SETTINGS.outputDir.default;
      const changes = await templateChanges(folder.uri, outputDir, models, appNum, templateSlug);
      const replace =
        changes.length === 0 ||
        (args.replaceTemplate ?? (await confirmTemplateChanges(changes, templateSlug)));
      if (!replace) return undefined;
    }
    const options = args.options ?? toGenerationOptions(settings);
    const jobs: Job[] = [];
    for (const model of models) {
      const job = await client.request(GenerationStartRequest, {
        templateSlug,
        model,
        ...(appNum === undefined ? {} : { appNum }),
        ...(options ? { options } : {}),
      });
      ctx.store.upsert(folder.uri.toString(), job);
      jobs.push(job);
    }
    void vscode.commands.executeCommand(`${JOBS_VIEW_ID}.focus`);
    void vscode.window.showInformationMessage(
      `AppGen: started ${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'} for ${templateSlug}.`,
    );
    return jobs;
  } catch (error) {
    showError('could not start the generation', error);
    if (!interactive) throw error;
    return undefined;
  }
}

type TemplateItem = vscode.QuickPickItem & { slug?: string; skipped?: TemplateProblem };

/**
 * A single-select of the templates; below them, the workspace template files that were skipped,
 * each with its reason. Picking one of those opens the file to fix it, and starts nothing.
 */
async function pickTemplate(
  client: DaemonClient,
  folder: vscode.WorkspaceFolder,
  onShown: (snapshot: PickerSnapshot) => void,
): Promise<string | undefined> {
  const [templates, skipped] = await Promise.all([
    client.request(TemplatesListRequest, {}),
    client.request(TemplatesProblemsRequest, {}).catch((): TemplateProblem[] => []),
  ]);
  const items: TemplateItem[] = templates.map((template: TemplateSummary) => ({
    label: template.name,
    description: `${template.category ? `${template.category} · ` : ''}${template.slug}${template.source === 'workspace' ? ' · workspace' : ''}`,
    detail: template.description,
    slug: template.slug,
  }));
  if (skipped.length > 0) {
    items.push({ label: 'Skipped template files', kind: vscode.QuickPickItemKind.Separator });
    for (const problem of skipped) {
      items.push({
        label: `$(warning) ${problem.file}`,
        // Said on the row itself: a filtered list shows no separator above it.
        description: 'skipped: cannot be used',
        detail: problem.reason,
        skipped: problem,
        alwaysShow: true,
      });
    }
  }
  const pick = vscode.window.createQuickPick<TemplateItem>();
  pick.items = items;
  pick.placeholder = 'Template to generate';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.ignoreFocusOut = true;
  const picked = await new Promise<TemplateItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
    onShown({
      picker: 'templates',
      items: [...templates.map((template) => template.slug), ...skipped.map((problem) => problem.file)],
      selected: [],
    });
  });
  pick.dispose();
  if (picked?.skipped) {
    const { file, reason } = picked.skipped;
    void vscode.window.showWarningMessage(`AppGen: ${file} was skipped: ${reason}`);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...file.split('/')));
    return undefined;
  }
  return picked?.slug;
}

function perMillion(price: number | undefined): string | undefined {
  return price === undefined ? undefined : `$${(price * 1_000_000).toFixed(2)}`;
}

function priceText(info: ModelInfo | undefined): string | undefined {
  const input = perMillion(info?.promptPrice);
  const output = perMillion(info?.completionPrice);
  return input && output ? `${input} in / ${output} out per M tokens` : undefined;
}

type ModelItem = vscode.QuickPickItem & { model: string };

/**
 * A multi-select of models: the user's `appgen.defaultModels` (selected: the user chose them in
 * settings), then the models last used here (offered, not selected), then OpenRouter's list with
 * prices once it loads. Nothing is selected unless the user set defaults.
 */
async function pickModels(
  client: DaemonClient,
  defaults: readonly string[],
  recent: readonly string[],
  onShown: (snapshot: PickerSnapshot) => void,
): Promise<string[] | undefined> {
  const pick = vscode.window.createQuickPick<ModelItem>();
  pick.canSelectMany = true;
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  pick.placeholder = 'Models to generate with (select one or more)';
  const tag = (model: string) =>
    defaults.includes(model) ? 'default' : recent.includes(model) ? 'last used' : undefined;
  const first = [...new Set([...defaults, ...recent])];
  const firstItems: ModelItem[] = first.map((model) => ({ label: model, model, description: tag(model) }));
  const other: ModelItem = { label: OTHER_MODEL, model: '', alwaysShow: true };
  pick.items = [...firstItems, other];
  pick.selectedItems = firstItems.filter((item) => defaults.includes(item.model));
  pick.busy = true;
  client
    .request(ModelsListRequest, {})
    .then((models) => {
      const byId = new Map(models.map((info) => [info.id, info]));
      const selected = new Set(pick.selectedItems.map((item) => item.model));
      const withPrices = firstItems.map((item) => ({
        ...item,
        description: [tag(item.model), priceText(byId.get(item.model))].filter(Boolean).join(' · '),
      }));
      const rest = models
        .filter((info) => !first.includes(info.id))
        .map(
          (info): ModelItem => ({
            label: info.id,
            model: info.id,
            description: priceText(info),
            detail: info.name,
          }),
        );
      pick.items = [...withPrices, ...rest, other];
      pick.selectedItems = pick.items.filter((item) => selected.has(item.model));
    })
    .catch((error) => {
      pick.title = `Model list unavailable: ${describeError(error)}`;
    })
    .finally(() => {
      pick.busy = false;
    });
  const accepted = await new Promise<readonly ModelItem[] | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
    onShown({
      picker: 'models',
      items: pick.items.map((item) => item.model).filter(Boolean),
      selected: pick.selectedItems.map((item) => item.model),
    });
  });
  pick.dispose();
  if (!accepted) return undefined;
  const models = accepted.filter((item) => item !== other && item.model !== '').map((item) => item.model);
  if (accepted.some((item) => item.label === OTHER_MODEL)) {
    const typed = await vscode.window.showInputBox({
      prompt: 'OpenRouter model id (several may be separated by commas)',
      placeHolder: 'openai/gpt-4o',
      ignoreFocusOut: true,
    });
    if (typed)
      models.push(
        ...typed
          .split(',')
          .map((model) => model.trim())
          .filter(Boolean),
      );
  }
  return models;
}

/** Undefined for "next free number", null when dismissed. */
async function askAppNumber(): Promise<number | undefined | null> {
  const answer = await vscode.window.showInputBox({
    prompt: 'App number (leave empty for the next free number)',
    placeHolder: 'next free',
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' || /^[1-9]\d*$/.test(value.trim()) ? undefined : 'A whole number from 1, or empty',
  });
  if (answer === undefined) return null;
  return answer.trim() === '' ? undefined : Number(answer.trim());
}
