import { fileStem, slugForFileName } from './slug-for-file-name';
import type { Template, TemplateDataModel, TemplateEndpoint, TemplateParseResult } from './template';

type JsonObject = Record<string, unknown>;

/** Thrown inside this module only, to stop at the first problem with its reason. */
class Invalid extends Error {}

// Slugs name files and appear in batch files and job records, so keep them to safe characters.
const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks an already parsed JSON value against the template format and normalises the known fields.
 * Unknown fields (at any level) are kept. Optional fields may be absent or null.
 */
export function validateTemplate(value: unknown, fileName: string): TemplateParseResult {
  try {
    return { ok: true, template: toTemplate(value, fileName) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}

function toTemplate(value: unknown, fileName: string): Template {
  if (!isObject(value)) throw new Invalid(`a template must be a JSON object, got ${kindOf(value)}`);

  const slug = value.slug;
  if (slug === undefined || slug === null) throw new Invalid('missing required field "slug"');
  if (typeof slug !== 'string') throw new Invalid(`"slug" must be a string, got ${kindOf(slug)}`);
  if (!SLUG_PATTERN.test(slug)) {
    throw new Invalid(`"slug" ${JSON.stringify(slug)} may only contain letters, digits, '_', '-' and '.'`);
  }
  const expected = slugForFileName(fileName);
  if (slug !== expected && slug !== fileStem(fileName)) {
    throw new Invalid(
      `slug ${JSON.stringify(slug)} does not match the file name ${JSON.stringify(fileStem(fileName))}` +
        ` (expected slug ${JSON.stringify(expected)}, or rename the file to ${JSON.stringify(`${slug}.json`)})`,
    );
  }

  const name = value.name;
  if (name === undefined || name === null) throw new Invalid('missing required field "name"');
  if (typeof name !== 'string') throw new Invalid(`"name" must be a string, got ${kindOf(name)}`);
  if (name.trim() === '') throw new Invalid('"name" must not be empty');

  return {
    ...value,
    slug,
    name,
    category: optionalString(value, 'category'),
    description: optionalString(value, 'description'),
    backend_requirements: stringList(value, 'backend_requirements'),
    frontend_requirements: stringList(value, 'frontend_requirements'),
    api_endpoints: list(value, 'api_endpoints').map((item, i) => endpoint(item, `api_endpoints[${i}]`)),
    data_model: dataModel(value.data_model),
    control_endpoints: list(value, 'control_endpoints'),
    admin_requirements: stringList(value, 'admin_requirements'),
    admin_api_endpoints: list(value, 'admin_api_endpoints').map((item, i) =>
      endpoint(item, `admin_api_endpoints[${i}]`),
    ),
  };
}

function optionalString(owner: JsonObject, key: string, label = `"${key}"`): string {
  const value = owner[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new Invalid(`${label} must be a string, got ${kindOf(value)}`);
  return value;
}

function list(owner: JsonObject, key: string): unknown[] {
  const value = owner[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(`"${key}" must be an array, got ${kindOf(value)}`);
  return value;
}

function stringList(owner: JsonObject, key: string): string[] {
  const items = list(owner, key);
  items.forEach((item, i) => {
    if (typeof item !== 'string') {
      throw new Invalid(`"${key}" must be an array of strings, but item ${i} is ${kindOf(item)}`);
    }
  });
  return items as string[];
}

function endpoint(item: unknown, label: string): TemplateEndpoint {
  if (!isObject(item)) throw new Invalid(`${label} must be an object, got ${kindOf(item)}`);
  for (const key of ['method', 'path']) {
    const value = item[key];
    if (value === undefined || value === null) throw new Invalid(`${label} is missing "${key}"`);
    if (typeof value !== 'string')
      throw new Invalid(`${label}.${key} must be a string, got ${kindOf(value)}`);
    if (value.trim() === '') throw new Invalid(`${label}.${key} must not be empty`);
  }
  return {
    ...item,
    method: item.method as string,
    path: item.path as string,
    description: optionalString(item, 'description', `${label}.description`),
    request: item.request ?? null,
    response: item.response ?? null,
  };
}

function dataModel(value: unknown): TemplateDataModel | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new Invalid(`"data_model" must be an object, got ${kindOf(value)}`);
  const name = optionalString(value, 'name', 'data_model.name');
  const fields = value.fields ?? {};
  if (!isObject(fields)) throw new Invalid(`data_model.fields must be an object, got ${kindOf(fields)}`);
  for (const [field, type] of Object.entries(fields)) {
    if (typeof type !== 'string') {
      throw new Invalid(`data_model.fields.${field} must be a string naming its type, got ${kindOf(type)}`);
    }
  }
  return { ...value, name, fields: fields as Record<string, string> };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(truncate(value))})`;
  return `a ${typeof value} (${String(value)})`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
