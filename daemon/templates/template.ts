import { parseStrictJson } from './parse-strict-json';
import { validateTemplate } from './validate-template';

/** One API endpoint a template asks for, with example JSON bodies. */
export interface TemplateEndpoint {
  method: string;
  path: string;
  description: string;
  /** Example request body; null when the endpoint takes none. */
  request: unknown;
  /** Example response body; null when the template gives none. */
  response: unknown;
  [extra: string]: unknown;
}

/** The main record of the app: a name and `{field: type}`. */
export interface TemplateDataModel {
  name: string;
  fields: Record<string, string>;
  [extra: string]: unknown;
}

/**
 * A requirement template, in the field names of the platform this tool replaces so that existing
 * template folders load unchanged. Known fields are normalised (absent lists become empty, absent
 * text becomes ''); unknown fields are kept as they were.
 */
export interface Template {
  slug: string;
  name: string;
  category: string;
  description: string;
  backend_requirements: string[];
  frontend_requirements: string[];
  api_endpoints: TemplateEndpoint[];
  data_model: TemplateDataModel | null;
  control_endpoints: unknown[];
  /** What the app's administrators need (admin pages and the backend behind them). */
  admin_requirements: string[];
  /** The endpoints those admin pages call. */
  admin_api_endpoints: TemplateEndpoint[];
  [extra: string]: unknown;
}

/** A template, or the precise reason a file is not one. */
export type TemplateParseResult = { ok: true; template: Template } | { ok: false; reason: string };

/**
 * Reads a template file's text. `fileName` is the file's name (or path); its stem, with '-' read
 * as '_', must equal the slug.
 */
export function parseTemplate(text: string, fileName: string): TemplateParseResult {
  const json = parseStrictJson(text);
  if (!json.ok) return json;
  return validateTemplate(json.value, fileName);
}
