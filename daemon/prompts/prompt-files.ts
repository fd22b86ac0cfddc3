/**
 * The prompt files: the system and user message of each component, as Handlebars templates shipped
 * beside the daemon (dist/prompts/) and overridable per workspace by a file of the same name.
 */
import type { Component } from '../../shared/job';

export const PROMPT_FILE_NAMES = [
  'backend.system.hbs',
  'backend.user.hbs',
  'frontend.system.hbs',
  'frontend.user.hbs',
] as const;

export type PromptFileName = (typeof PROMPT_FILE_NAMES)[number];

/** An override larger than this is refused: a prompt is a few kilobytes, not a data file. */
export const MAX_PROMPT_FILE_BYTES = 256 * 1024;

/** The two files of one component's call. */
export function promptFilesOf(component: Component): { system: PromptFileName; user: PromptFileName } {
  return { system: `${component}.system.hbs`, user: `${component}.user.hbs` };
}

export function isPromptFileName(name: string): name is PromptFileName {
  return (PROMPT_FILE_NAMES as readonly string[]).includes(name);
}
