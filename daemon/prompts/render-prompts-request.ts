import { COMPONENTS, type Component } from '../../shared/job';
import type { PromptsRenderResult } from '../../shared/protocol';
import { DaemonError } from '../daemon-error';
import type { Template } from '../templates/template';
import type { PromptSet } from './prompt-set';
import { renderTemplatePrompts } from './template-prompts';

export interface RenderPromptsDeps {
  findTemplate: (slug: string) => Promise<Template | undefined>;
  /** The prompt files in force; rejects with a `PromptFileError` naming the file and line. */
  prompts: () => Promise<PromptSet>;
}

/** `prompts/render`: checks the params, then renders the template's prompts as a job would send them. */
export async function renderPromptsRequest(
  params: unknown,
  deps: RenderPromptsDeps,
): Promise<PromptsRenderResult> {
  const { templateSlug, component } = (params ?? {}) as { templateSlug?: unknown; component?: unknown };
  if (typeof templateSlug !== 'string' || templateSlug.trim() === '') {
    throw new DaemonError('invalid_params', 'templateSlug is required');
  }
  if (component !== undefined && component !== null && !COMPONENTS.includes(component as Component)) {
    throw new DaemonError(
      'invalid_params',
      `component must be "backend" or "frontend", got ${JSON.stringify(component)}`,
    );
  }
  const template = await deps.findTemplate(templateSlug);
  if (!template) throw new DaemonError('invalid_params', `Unknown template "${templateSlug}"`);
  const rendered = renderTemplatePrompts(
    template,
    await deps.prompts(),
    component ? [component as Component] : COMPONENTS,
  );
  return { prompts: rendered.prompts, hash: rendered.hash, overridden: rendered.overridden };
}
