import type { Template, TemplateDataModel, TemplateEndpoint } from '../templates/template';
import type { Route } from './extract-routes';

// Markdown-ish sections of a prompt, shared by the backend and frontend prompts.

/** Title, slug, category and description. */
export function renderOverview(template: Template): string {
  const facts = [`Template: ${template.slug}`];
  if (template.category !== '') facts.push(`Category: ${template.category}`);
  const lines = [`# ${template.name}`, facts.join(' | ')];
  if (template.description.trim() !== '') lines.push('', template.description.trim());
  return lines.join('\n');
}

/** A numbered list under a heading. */
export function renderRequirements(heading: string, requirements: readonly string[]): string {
  const items = requirements.map((text) => text.trim()).filter((text) => text !== '');
  if (items.length === 0) return `## ${heading}\n(none given)`;
  return [`## ${heading}`, ...items.map((text, i) => `${i + 1}. ${text}`)].join('\n');
}

/** Each endpoint with its description and pretty-printed example bodies. */
export function renderEndpoints(heading: string, endpoints: readonly TemplateEndpoint[]): string {
  // Templates come from a cached catalog, so every job of a template passes the same array.
  let byHeading = renderedEndpoints.get(endpoints);
  if (!byHeading) {
    byHeading = new Map();
    renderedEndpoints.set(endpoints, byHeading);
  }
  let text = byHeading.get(heading);
  if (text === undefined) {
    text = renderEndpointsOnce(heading, endpoints);
    byHeading.set(heading, text);
  }
  return text;
}

const renderedEndpoints = new WeakMap<readonly TemplateEndpoint[], Map<string, string>>();

function renderEndpointsOnce(heading: string, endpoints: readonly TemplateEndpoint[]): string {
  if (endpoints.length === 0) {
    return `## ${heading}\nThe template lists none: design a small REST API under /api that covers the requirements.`;
  }
  const blocks = endpoints.map((endpoint) => {
    const lines = [`### ${endpoint.method.toUpperCase()} ${endpoint.path}`];
    if (endpoint.description.trim() !== '') lines.push(endpoint.description.trim());
    lines.push(...jsonExample('Request body', endpoint.request, 'none'));
    lines.push(...jsonExample('Response body', endpoint.response, 'not specified'));
    return lines.join('\n');
  });
  return [`## ${heading}`, ...blocks].join('\n\n');
}

/** The data model's name and typed fields, or '' when the template has none. */
export function renderDataModel(model: TemplateDataModel | null): string {
  if (model === null) return '';
  const fields = Object.entries(model.fields);
  const title = model.name === '' ? '## Data model' : `## Data model: ${model.name}`;
  if (fields.length === 0) return `${title}\n(no fields given)`;
  return [title, ...fields.map(([field, type]) => `- ${field}: ${type}`)].join('\n');
}

/** Routes as `- GET, POST /api/todos`. */
export function renderRoutes(routes: readonly Route[]): string {
  return routes.map((route) => `- ${route.methods.join(', ')} ${route.path}`).join('\n');
}

function jsonExample(label: string, value: unknown, whenAbsent: string): string[] {
  if (value === null || value === undefined) return [`${label}: ${whenAbsent}`];
  return [`${label} (example):`, '```json', JSON.stringify(value, null, 2), '```'];
}
