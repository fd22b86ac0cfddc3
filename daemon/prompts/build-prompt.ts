import type { Component } from '../../shared/job';
import { DEFAULT_SCAFFOLD_VARS } from '../scaffold/render-scaffold';
import type { Template } from '../templates/template';
import { backendPrompt } from './backend-prompt';
import type { Route } from './extract-routes';
import { frontendPrompt } from './frontend-prompt';

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
}

/** The two messages of a chat completion request. */
export interface Prompt {
  system: string;
  user: string;
}

/** Ports a prompt mentions, with the scaffold's defaults filled in. */
export interface PromptPorts {
  backendPort: number;
  frontendPort: number;
}

/**
 * The system and user messages asking a model for one component of the app a template describes.
 * Pure: the same input always gives the same text.
 */
export function buildPrompt(input: PromptInput): Prompt {
  const ports: PromptPorts = {
    backendPort: input.backendPort ?? DEFAULT_SCAFFOLD_VARS.backendPort,
    frontendPort: input.frontendPort ?? DEFAULT_SCAFFOLD_VARS.frontendPort,
  };
  return input.component === 'backend'
    ? backendPrompt(input.template, ports)
    : frontendPrompt(input.template, ports, input.backendRoutes, input.backendCode);
}
