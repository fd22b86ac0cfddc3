import type { Component } from '../../shared/job';
import { DEFAULT_SCAFFOLD_VARS } from '../scaffold/render-scaffold';
import type { Template } from '../templates/template';
import { extractRoutes, type Route } from './extract-routes';
import { shippedPromptSet } from './load-prompt-set';
import { promptFilesOf } from './prompt-files';
import type { PromptSet } from './prompt-set';
import { promptView } from './prompt-view';

/** What a prompt for one component is built from. */
export interface PromptInput {
  template: Template;
  component: Component;
  /** The generated backend's Python code (all files joined); its routes go into the frontend prompt. */
  backendCode?: string;
  /** The backend's routes when already known; wins over `backendCode`. */
  backendRoutes?: Route[];
  /** Default 5001. */
  backendPort?: number;
  /** Default 8001. */
  frontendPort?: number;
  /** The prompt files in force; the shipped ones by default. */
  prompts?: PromptSet;
}

/** The two messages of a chat completion request. */
export interface Prompt {
  system: string;
  user: string;
}

/**
 * The system and user messages asking a model for one component of the app a template describes,
 * rendered from the prompt files. Pure: the same input (and files) always gives the same text.
 * Throws a `PromptFileError` when a file cannot be rendered.
 */
export function buildPrompt(input: PromptInput): Prompt {
  const prompts = input.prompts ?? shippedPromptSet();
  const ports = {
    backend: input.backendPort ?? DEFAULT_SCAFFOLD_VARS.backendPort,
    frontend: input.frontendPort ?? DEFAULT_SCAFFOLD_VARS.frontendPort,
  };
  // The frontend calls the API the generated backend really has: its routes, given or read from its code.
  const routes =
    input.component === 'frontend'
      ? (input.backendRoutes ?? (input.backendCode === undefined ? [] : extractRoutes(input.backendCode)))
      : [];
  const view = promptView(input.template, ports, routes);
  const files = promptFilesOf(input.component);
  return { system: prompts.render(files.system, view), user: prompts.render(files.user, view) };
}
