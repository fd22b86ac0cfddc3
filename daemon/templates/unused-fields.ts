/**
 * The fields of a template that the shipped prompt files print nothing of, so that loading a
 * template never drops part of it in silence: `appgen templates` and `templates/list` show them,
 * and the daemon logs them once per file.
 */
import type { Template } from './template';

// What backend.user.hbs and frontend.user.hbs print (daemon/prompts/prompt-view.ts prepares it).
const PRINTED = new Set([
  'slug',
  'name',
  'category',
  'description',
  'backend_requirements',
  'frontend_requirements',
  'admin_requirements',
  'api_endpoints',
  'admin_api_endpoints',
  'data_model',
]);
const PRINTED_OF_ENDPOINT = new Set(['method', 'path', 'description', 'request', 'response']);
const PRINTED_OF_DATA_MODEL = new Set(['name', 'fields']);
// Set by the catalog over the file's own fields, not read from it.
const ORIGIN = new Set(['source', 'sourceFile']);

/**
 * The fields with a value that no prompt prints: `difficulty`, `control_endpoints`,
 * `api_endpoints[].auth_required`, `data_model.relationships`. Empty values (null, '', [], {})
 * carry nothing and are not listed.
 */
export function unusedFields(template: Template): string[] {
  const unused: string[] = [];
  for (const [key, value] of Object.entries(template)) {
    if (!PRINTED.has(key) && !ORIGIN.has(key) && !isEmpty(value)) unused.push(key);
  }
  for (const key of ['api_endpoints', 'admin_api_endpoints'] as const) {
    const extra = new Set<string>();
    for (const endpoint of template[key] ?? []) {
      for (const [field, value] of Object.entries(endpoint)) {
        if (!PRINTED_OF_ENDPOINT.has(field) && !isEmpty(value)) extra.add(field);
      }
    }
    for (const field of extra) unused.push(`${key}[].${field}`);
  }
  for (const [field, value] of Object.entries(template.data_model ?? {})) {
    if (!PRINTED_OF_DATA_MODEL.has(field) && !isEmpty(value)) unused.push(`data_model.${field}`);
  }
  return unused;
}

/** `{unusedFields}` for a template summary, or nothing when there are none. */
export function unusedFieldsEntry(template: Template): { unusedFields?: string[] } {
  const unused = unusedFields(template);
  return unused.length > 0 ? { unusedFields: unused } : {};
}

/**
 * Logs each template file's unused fields the first time they are seen (the catalog is read
 * again every second while jobs start; the note is made once, and again only when they change).
 */
export function logUnusedFieldsOnce(
  warn: (message: string, fields: Record<string, unknown>) => void,
): <T extends { templates: (Template & { sourceFile: string })[] }>(catalog: T) => T {
  const seen = new Set<string>();
  return (catalog) => {
    for (const template of catalog.templates) {
      const unused = unusedFields(template);
      const key = `${template.sourceFile}\0${unused.join('\0')}`;
      if (unused.length === 0 || seen.has(key)) continue;
      seen.add(key);
      warn('template fields the prompts do not use', { file: template.sourceFile, fields: unused });
    }
    return catalog;
  };
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
