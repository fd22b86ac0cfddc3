/**
 * The prompts of a template as a job would send them, without a job: for `prompts/render`
 * (`appgen prompts`), and to check before a job starts that the prompt files in force render for
 * its template. The frontend prompt lists the routes the template declares, where a job lists the
 * routes its generated backend serves.
 */
import { COMPONENTS, type Component } from '../../shared/job';
import type { Template } from '../templates/template';
import { buildPrompt, type Prompt } from './build-prompt';
import { expectedRoutes } from './declared-routes';
import { PROMPT_FILE_NAMES, type PromptFileName, promptFilesOf } from './prompt-files';
import { promptHash } from './prompt-hash';
import type { PromptSet } from './prompt-set';

export interface TemplatePrompts {
  prompts: (Prompt & { component: Component })[];
  hash: string;
  /** The overridden files these prompts were rendered from. */
  overridden: PromptFileName[];
}

/** Renders the template's prompts (backend first); throws a `PromptFileError` naming the line. */
export function renderTemplatePrompts(
  template: Template,
  prompts: PromptSet,
  components: readonly Component[] = COMPONENTS,
): TemplatePrompts {
  const rendered = COMPONENTS.filter((c) => components.includes(c)).map((component) => ({
    component,
    ...buildPrompt({
      template,
      component,
      prompts,
      ...(component === 'frontend' ? { backendRoutes: expectedRoutes(template) } : {}),
    }),
  }));
  return {
    prompts: rendered,
    hash: promptHash(rendered),
    overridden: overridesUsed(
      prompts,
      rendered.map((p) => p.component),
    ),
  };
}

/** The overridden files among those the components' prompts are rendered from. */
export function overridesUsed(prompts: PromptSet, components: readonly Component[]): PromptFileName[] {
  const used = new Set(components.flatMap((c) => Object.values(promptFilesOf(c))));
  return PROMPT_FILE_NAMES.filter((name) => used.has(name) && prompts.isOverridden(name));
}

// Sets of prompt files and catalog templates are both kept while unchanged: a batch of a thousand
// jobs of one template renders its prompts once to check them.
const checked = new WeakMap<PromptSet, WeakSet<Template>>();

/** Throws a `PromptFileError` when the prompt files cannot render the template's prompts. */
export function checkTemplatePrompts(template: Template, prompts: PromptSet): void {
  let templates = checked.get(prompts);
  if (templates?.has(template)) return;
  renderTemplatePrompts(template, prompts);
  if (!templates) {
    templates = new WeakSet();
    checked.set(prompts, templates);
  }
  templates.add(template);
}
