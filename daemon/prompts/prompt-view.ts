/**
 * What a prompt file can read: the template as loaded, and the parts of it the shipped prompts
 * print, prepared so that the files need no logic beyond `if` and `each`. Documented for people
 * writing their own prompts at the top of daemon/prompts/files/backend.user.hbs.
 */
import type { Template, TemplateEndpoint } from '../templates/template';
import type { Route } from './extract-routes';
import { type RequirementItem, requirementItems } from './requirement-list';

export interface EndpointView {
  /** Upper case. */
  method: string;
  path: string;
  /** Trimmed; '' when none. */
  description: string;
  /** The example bodies, pretty-printed JSON; null when the template gives none. */
  requestJson: string | null;
  responseJson: string | null;
}

export interface PromptView {
  /** Every field of the template file as loaded (also those the shipped prompts do not print). */
  template: Template;
  ports: { backend: number; frontend: number };
  /** The template's description, trimmed. */
  description: string;
  backendRequirements: RequirementItem[];
  frontendRequirements: RequirementItem[];
  adminRequirements: RequirementItem[];
  endpoints: EndpointView[];
  adminEndpoints: EndpointView[];
  /** null when the template has none. */
  dataModel: { name: string; fields: { name: string; type: string }[] } | null;
  /** The backend's routes, for the frontend prompt; empty when none could be read. */
  routes: { methods: string; path: string }[];
}

type TemplatePart = Omit<PromptView, 'ports' | 'routes'>;

// Templates come from a cached catalog, so the jobs of one template share its object: its
// pretty-printed bodies are made once, not per job.
const parts = new WeakMap<Template, TemplatePart>();

/** The view a prompt file is rendered with. */
export function promptView(
  template: Template,
  ports: { backend: number; frontend: number },
  routes: readonly Route[] = [],
): PromptView {
  let part = parts.get(template);
  if (!part) {
    part = templatePart(template);
    parts.set(template, part);
  }
  return {
    ...part,
    ports,
    routes: routes.map((route) => ({ methods: route.methods.join(', '), path: route.path })),
  };
}

function templatePart(template: Template): TemplatePart {
  const model = template.data_model;
  return {
    template,
    description: template.description.trim(),
    backendRequirements: requirementItems(template.backend_requirements),
    frontendRequirements: requirementItems(template.frontend_requirements),
    adminRequirements: requirementItems(template.admin_requirements ?? []),
    endpoints: template.api_endpoints.map(endpointView),
    adminEndpoints: (template.admin_api_endpoints ?? []).map(endpointView),
    dataModel:
      model === null
        ? null
        : {
            name: model.name,
            fields: Object.entries(model.fields).map(([name, type]) => ({ name, type })),
          },
  };
}

function endpointView(endpoint: TemplateEndpoint): EndpointView {
  return {
    method: endpoint.method.toUpperCase(),
    path: endpoint.path,
    description: endpoint.description.trim(),
    requestJson: json(endpoint.request),
    responseJson: json(endpoint.response),
  };
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value, null, 2);
}
