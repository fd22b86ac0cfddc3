/**
 * What an endpoint's path and examples say, as the simulated backend reads them: path segments and
 * the store key they make (`/api/groups/<>/expenses`), and which examples are records, lists of
 * the list convention, bytes, tokens or logouts. Pure.
 */
import type { ApiEndpoint } from './api-spec';

export interface PathSegment {
  text: string;
  /** The parameter's name, when the segment is one (`<id>`, `<int:id>`, `{id}`, `:id`). */
  param?: string;
}

const PARAM_SEGMENT = /^<(?:\w+:)?(\w+)>$|^\{(\w+)\}$|^:(\w+)$/;
export const TOKEN_KEYS = ['token', 'access_token'];

export function pathSegments(path: string): PathSegment[] {
  return path
    .split('/')
    .filter((text) => text !== '')
    .map((text) => {
      const match = PARAM_SEGMENT.exec(text);
      return match ? { text, param: match[1] ?? match[2] ?? match[3] } : { text };
    });
}

export function storeKey(segments: readonly PathSegment[]): string {
  return `/${segments.map((segment) => (segment.param ? '<>' : segment.text)).join('/')}`;
}

export function isRecordObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{"items": [...], "total": n}`, the list convention. */
export function isListExample(value: unknown): value is { items: unknown[]; total: unknown } {
  return isRecordObject(value) && Array.isArray(value.items) && 'total' in value;
}

/** An example that stands for bytes, not JSON (`{"body": "<binary image>"}`). */
export function isBinaryExample(value: unknown): boolean {
  if (typeof value === 'string') return /^<[^>]+>$/.test(value.trim());
  if (!isRecordObject(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every((item) => typeof item === 'string' && /^<binary/i.test(item));
}

export function singularMatches(key: string, name: string): boolean {
  return (
    name === key ||
    name === `${key}s` ||
    name === `${key}es` ||
    (key.endsWith('y') && name === `${key.slice(0, -1)}ies`)
  );
}

export function hasId(value: unknown): value is Record<string, unknown> {
  return isRecordObject(value) && 'id' in value && !isListExample(value);
}

export function overlap(keys: readonly string[], fields: ReadonlySet<string>): number {
  return keys.length === 0 ? 0 : keys.filter((key) => fields.has(key)).length / keys.length;
}

export function jaccard(keys: readonly string[], fields: ReadonlySet<string>): number {
  const union = new Set([...keys, ...fields]);
  return union.size === 0 ? 0 : keys.filter((key) => fields.has(key)).length / union.size;
}

/** An endpoint with its path taken apart. */
export interface Shape {
  endpoint: ApiEndpoint;
  method: string;
  segments: PathSegment[];
  trailing: boolean;
  /** The key of the whole path. */
  key: string;
  /** The key of the collection an item path names a record of. */
  collection: string;
  /** The key of the path without its last literal segment (for `/api/todos/completed`). */
  above: string;
}

export function shapeOf(endpoint: ApiEndpoint): Shape {
  const segments = pathSegments(endpoint.path);
  const trailing = segments.at(-1)?.param !== undefined;
  const key = storeKey(segments);
  const collection = trailing ? storeKey(segments.slice(0, -1)) : key;
  return {
    endpoint,
    method: endpoint.method.toUpperCase(),
    segments,
    trailing,
    key,
    collection,
    above: storeKey(segments.slice(0, -1)),
  };
}

/** The key of the store that owns records of `key`: the path up to its last parameter. */
export function ownerKey(key: string): string | undefined {
  const at = key.lastIndexOf('/<>');
  return at < 0 ? undefined : key.slice(0, at) || undefined;
}

/** The response's sub-object that is the created record (`movement` for `/movements`). */
export function namedRecordKey(response: unknown, name: string): string | undefined {
  if (!isRecordObject(response)) return undefined;
  return Object.keys(response).find((key) => hasId(response[key]) && singularMatches(key, name));
}

export function isTokenIssuer(shape: Shape): boolean {
  const response = shape.endpoint.response;
  return (
    shape.method === 'POST' &&
    isRecordObject(response) &&
    TOKEN_KEYS.some((key) => typeof response[key] === 'string')
  );
}

export function isLogout(shape: Shape): boolean {
  return /log-?out|sign-?out/i.test(shape.endpoint.path);
}

export function isStreamEndpoint(endpoint: ApiEndpoint): boolean {
  return /server-sent|event-stream|\bstream\b/i.test(`${endpoint.description} ${endpoint.path}`);
}
