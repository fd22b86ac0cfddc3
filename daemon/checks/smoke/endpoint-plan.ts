/**
 * How a template's endpoints are probed: in which order, and with which path parameters. Creating
 * calls go first so that later calls can name what they made (the `id` a POST on the collection
 * answered, or `1`); deletions and logouts go last so that they take nothing away from the rest.
 * Path parameters are written as Flask (`<id>`, `<int:id>`), Express (`:id`) or OpenAPI (`{id}`)
 * write them.
 */
import type { TemplateEndpoint } from '../../templates/template';

export interface PathParam {
  name: string;
  /** Flask's converter (`int`, `path`, ...), if the path names one. */
  converter?: string;
  /** The parameter as written in the path. */
  token: string;
  /** The template path up to the segment holding the parameter: its collection. */
  collection: string;
}

const PARAM = /<(?:(\w+):)?(\w+)>|\{(\w+)\}|(?<=\/):(\w+)/g;

export function pathParams(path: string): PathParam[] {
  const params: PathParam[] = [];
  for (const match of path.matchAll(PARAM)) {
    const name = match[2] ?? match[3] ?? match[4]!;
    const start = path.lastIndexOf('/', match.index);
    params.push({
      name,
      converter: match[1],
      token: match[0],
      collection: path.slice(0, Math.max(start, 0)),
    });
  }
  return params;
}

/** `path` with each parameter replaced by `valueFor(param)`, URL-encoded unless `raw`. */
export function fillPath(path: string, valueFor: (param: PathParam) => string, raw = false): string {
  let filled = path;
  for (const param of pathParams(path)) {
    const value = valueFor(param);
    filled = filled.replace(param.token, raw ? value : encodeURIComponent(value));
  }
  return filled;
}

function phaseOf(endpoint: TemplateEndpoint): number {
  const method = endpoint.method.toUpperCase();
  const hasParams = pathParams(endpoint.path).length > 0;
  if (/log-?out|sign-?out/i.test(endpoint.path)) return 7;
  if (method === 'POST' && !hasParams) return 0;
  if (method === 'GET') return hasParams ? 2 : 1;
  if (method === 'PUT' || method === 'PATCH') return 3;
  if (method === 'POST') return 4;
  if (method === 'DELETE') return 6;
  return 5;
}

/** The endpoints in the order they are probed; the template's order within each phase. */
export function probeOrder(endpoints: readonly TemplateEndpoint[]): TemplateEndpoint[] {
  return endpoints
    .map((endpoint, index) => ({ endpoint, index, phase: phaseOf(endpoint) }))
    .sort((a, b) => a.phase - b.phase || a.index - b.index)
    .map(({ endpoint }) => endpoint);
}

/** Whether the endpoint takes a multipart form (its description says so) rather than JSON. */
export function isMultipart(endpoint: TemplateEndpoint): boolean {
  return /multipart/i.test(endpoint.description ?? '');
}

/** Whether the endpoint answers with an event stream, which may send nothing for a long time. */
export function isStream(endpoint: TemplateEndpoint): boolean {
  return /server-sent|event-stream|\bstream\b/i.test(`${endpoint.description ?? ''} ${endpoint.path}`);
}

/** Whether the endpoint serves or takes a file: a file-like parameter name or path segment. */
export function isFileEndpoint(endpoint: TemplateEndpoint): boolean {
  if (pathParams(endpoint.path).some((param) => /file|name|path|key/i.test(param.name))) return true;
  return endpoint.path
    .split('/')
    .some((segment) => /^(files?|uploads?|downloads?|attachments?|media|raw|static)$/i.test(segment));
}

/**
 * The query parameters an endpoint's description names (`query parameters status=all|done and
 * q=search text` -> status, q, ...), with `q` and `search`, which list endpoints often take.
 * Extra names do no harm: an app ignores a parameter it does not know.
 */
export function queryParamNames(endpoint: TemplateEndpoint): string[] {
  const names = new Set<string>();
  const description = endpoint.description ?? '';
  const at = description.search(/quer(?:y|ies) param/i);
  if (at >= 0) {
    const rest = description.slice(at).replace(/^quer(?:y|ies) parameters?/i, '');
    for (const word of rest.split(/[\s,;()]+/)) {
      const name = word.split('=')[0]!.replace(/[^\w]/g, '');
      if (/^[a-z_][a-z0-9_]*$/.test(name) && !STOP_WORDS.has(name)) names.add(name);
    }
  }
  names.add('q');
  names.add('search');
  return [...names].slice(0, 8);
}

const STOP_WORDS = new Set([
  'and',
  'or',
  'of',
  'the',
  'a',
  'an',
  'one',
  'only',
  'optionally',
  'optional',
  'with',
  'returns',
  'return',
  'text',
  'dates',
  'date',
  'iso',
  'newer',
  'new',
  'ones',
  'than',
  'message',
  'id',
]);
