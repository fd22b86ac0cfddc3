/**
 * How the simulated backend serves a specified API, decided from the endpoints alone (their
 * methods, path shapes and example bodies), never from a template's name: which collections of
 * records it keeps (stores), which it seeds from the examples because no endpoint creates their
 * records, and what each route does with them. Pure data; flask-handlers.ts turns it into code.
 */
import type { ApiEndpoint } from './api-spec';

export interface PathSegment {
  text: string;
  /** The parameter's name, when the segment is one (`<id>`, `<int:id>`, `{id}`, `:id`). */
  param?: string;
}

/** A collection of records, keyed by its path with parameters written `<>`. */
export interface Store {
  key: string;
  /** Its last literal segment (`expenses`). */
  name: string;
  /** The parameter that names one record in item paths (`id`, `code`). */
  itemParam?: string;
  /** The store whose records own this store's records (`/api/groups` for `/api/groups/<>/expenses`). */
  parent?: string;
  /** Whether an endpoint adds records; a store nothing adds to is seeded from the examples. */
  creator: boolean;
  /** Every field the examples show a record with. */
  fields: Set<string>;
  /** Those of them whose example is a number. */
  numbers: Set<string>;
  seeds: Record<string, unknown>[];
}

export type Handler =
  | {
      kind: 'create';
      store: string;
      /** The key of the response's sub-object that is the new record; undefined: the response itself. */
      recordKey?: string;
      /** Response keys filled from the new record or from the record the path names. */
      extras: Record<string, 'created' | 'owner'>;
      multipart: boolean;
      /** Item parameters the new record needs a value of (a link's `code`). */
      codeKeys: string[];
      /** Fields that hold a path of the API naming the new record (`short_url`: `/api/r/<>` by `code`). */
      links: Record<string, { path: string; field: string }>;
    }
  | { kind: 'upsert'; store: string }
  | { kind: 'list'; store?: string }
  | { kind: 'read' }
  | { kind: 'update'; partial: boolean }
  | { kind: 'delete'; store: string; children: string[] }
  | { kind: 'delete-flagged'; store: string }
  | { kind: 'delete-all'; store: string }
  | { kind: 'redirect'; counter?: string }
  | { kind: 'file' }
  | { kind: 'stream'; store?: string }
  | { kind: 'view' }
  | { kind: 'subject'; update: boolean }
  | { kind: 'login'; tokenKey: string; extras: string[] }
  | { kind: 'logout' }
  | { kind: 'action' };

/** A record a path names, looked up before the handler runs. */
export interface Lookup {
  store: string;
  param: string;
  /** The record field the parameter is compared with. */
  field: string;
}

export interface PlannedEndpoint {
  endpoint: ApiEndpoint;
  handler: Handler;
  /** The records the path names, outermost first. */
  lookups: Lookup[];
  /** Whether the route serves only a caller with a token. */
  auth: boolean;
}

export interface ApiPlan {
  endpoints: PlannedEndpoint[];
  stores: Store[];
}

const PARAM_SEGMENT = /^<(?:\w+:)?(\w+)>$|^\{(\w+)\}$|^:(\w+)$/;
const TOKEN_KEYS = ['token', 'access_token'];
/** How much of a response's keys a record's fields must share to be taken for that record. */
const SAME_RECORD = 0.6;
const SAME_ITEMS = 0.5;

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

function hasId(value: unknown): value is Record<string, unknown> {
  return isRecordObject(value) && 'id' in value && !isListExample(value);
}

function overlap(keys: readonly string[], fields: ReadonlySet<string>): number {
  return keys.length === 0 ? 0 : keys.filter((key) => fields.has(key)).length / keys.length;
}

function jaccard(keys: readonly string[], fields: ReadonlySet<string>): number {
  const union = new Set([...keys, ...fields]);
  return union.size === 0 ? 0 : keys.filter((key) => fields.has(key)).length / union.size;
}

interface Shape {
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

function shapeOf(endpoint: ApiEndpoint): Shape {
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
function ownerKey(key: string): string | undefined {
  const at = key.lastIndexOf('/<>');
  return at < 0 ? undefined : key.slice(0, at) || undefined;
}

/** The response's sub-object that is the created record (`movement` for `/movements`). */
function namedRecordKey(response: unknown, name: string): string | undefined {
  if (!isRecordObject(response)) return undefined;
  return Object.keys(response).find((key) => hasId(response[key]) && singularMatches(key, name));
}

function isTokenIssuer(shape: Shape): boolean {
  const response = shape.endpoint.response;
  return (
    shape.method === 'POST' &&
    isRecordObject(response) &&
    TOKEN_KEYS.some((key) => typeof response[key] === 'string')
  );
}

function isLogout(shape: Shape): boolean {
  return /log-?out|sign-?out/i.test(shape.endpoint.path);
}

export function isStreamEndpoint(endpoint: ApiEndpoint): boolean {
  return /server-sent|event-stream|\bstream\b/i.test(`${endpoint.description} ${endpoint.path}`);
}

class StoreBook {
  readonly byKey = new Map<string, Store>();

  add(key: string, creator: boolean): Store {
    let store = this.byKey.get(key);
    if (!store) {
      const name =
        key
          .split('/')
          .filter((part) => part !== '<>' && part !== '')
          .at(-1) ?? 'items';
      store = { key, name, creator: false, fields: new Set(), numbers: new Set(), seeds: [] };
      const owner = ownerKey(key);
      if (owner) store.parent = owner;
      this.byKey.set(key, store);
    }
    store.creator ||= creator;
    return store;
  }

  get(key: string): Store | undefined {
    return this.byKey.get(key);
  }
}

/** Decides, for every endpoint, what the simulated backend does. */
export function planApi(endpoints: readonly ApiEndpoint[]): ApiPlan {
  const shapes = endpoints.map(shapeOf);
  const book = new StoreBook();
  const auth = shapes.some(isTokenIssuer);

  // Collections whose records item paths name, and those created on.
  for (const shape of shapes) {
    if (shape.trailing && ['GET', 'PUT', 'PATCH', 'DELETE'].includes(shape.method)) {
      book.add(shape.collection, false).itemParam ??= shape.segments.at(-1)!.param;
    }
  }
  for (const shape of shapes) {
    const response = shape.endpoint.response;
    if (shape.method !== 'POST' || shape.trailing || isTokenIssuer(shape) || isLogout(shape)) continue;
    // Under another record, only a list answer decides now; the rest is decided below.
    if (ownerKey(shape.key) !== undefined && !isListExample(response)) continue;
    const makes =
      response === null ||
      hasId(response) ||
      isListExample(response) ||
      namedRecordKey(response, shape.segments.at(-1)?.text ?? '') !== undefined;
    if (makes || book.get(shape.key)) book.add(shape.key, true);
  }
  for (const shape of shapes) collectFields(book, shape);

  // Records created under another record: a new record, unless the answer is that record itself.
  for (const shape of shapes) {
    const owner = ownerKey(shape.key);
    if (shape.method !== 'POST' || shape.trailing || !owner || isListExample(shape.endpoint.response))
      continue;
    if (isTokenIssuer(shape) || isLogout(shape)) continue;
    const response = shape.endpoint.response;
    const name = shape.segments.at(-1)?.text ?? '';
    const ownerStore = book.get(owner);
    const sameAsOwner =
      ownerStore !== undefined &&
      hasId(response) &&
      jaccard(Object.keys(response), ownerStore.fields) >= SAME_RECORD;
    if (!sameAsOwner && (hasId(response) || namedRecordKey(response, name) !== undefined)) {
      collectFields(book, shape, book.add(shape.key, true));
    }
  }

  // Lists of records no endpoint creates; a list under a store lists that store.
  const lists = shapes
    .filter((shape) => shape.method === 'GET' && !shape.trailing && isListExample(shape.endpoint.response))
    .sort((a, b) => a.segments.length - b.segments.length);
  for (const shape of lists) {
    const item = (shape.endpoint.response as { items: unknown[] }).items[0];
    if (!hasId(item) || book.get(shape.key) || book.get(shape.above)) continue;
    collectFields(book, shape, book.add(shape.key, false));
  }
  for (const shape of shapes) collectFields(book, shape);
  for (const store of book.byKey.values()) {
    if (!store.creator && !store.parent) store.seeds = seedsOf(store, shapes);
  }

  const planned = shapes.map((shape) => planEndpoint(shape, book, auth, shapes));
  return { endpoints: planned, stores: [...book.byKey.values()] };
}

/** Adds the fields the endpoint's examples show a record of its store with. */
function collectFields(book: StoreBook, shape: Shape, given?: Store): void {
  const { endpoint, method } = shape;
  const store = given ?? book.get(shape.trailing ? shape.collection : shape.key);
  if (!store) return;
  const add = (value: unknown): void => {
    if (!isRecordObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      store.fields.add(key);
      if (typeof item === 'number') store.numbers.add(key);
    }
  };
  // A deletion answers a confirmation (`{"deleted": true, "id": 5}`), not a record.
  if (method === 'DELETE') return;
  const response = endpoint.response;
  const keyed = isRecordObject(response) && store.itemParam !== undefined && store.itemParam in response;
  if (isListExample(response)) add(response.items[0]);
  else if (hasId(response) || keyed) add(response);
  else {
    const named = namedRecordKey(response, store.name);
    if (named) add((response as Record<string, unknown>)[named]);
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') add(endpoint.request);
}

/** The records a store without a creating endpoint starts with: its examples, merged by id. */
function seedsOf(store: Store, shapes: readonly Shape[]): Record<string, unknown>[] {
  const byId = new Map<string, Record<string, unknown>>();
  const take = (value: unknown): void => {
    if (!hasId(value)) return;
    const id = String(value.id);
    byId.set(id, { ...(byId.get(id) ?? {}), ...value });
  };
  for (const shape of shapes) {
    if (shape.method !== 'GET') continue;
    const response = shape.endpoint.response;
    if (shape.key === store.key && isListExample(response)) response.items.forEach(take);
    if (shape.trailing && shape.collection === store.key) take(response);
  }
  return [...byId.values()];
}

function lookupsOf(shape: Shape, book: StoreBook): Lookup[] {
  const lookups: Lookup[] = [];
  shape.segments.forEach((segment, index) => {
    if (!segment.param) return;
    let store = book.get(storeKey(shape.segments.slice(0, index)));
    // A path that names another collection's records by their own key (`/api/r/<code>`).
    if (store && !store.creator && store.seeds.length === 0 && segment.param !== 'id') {
      store =
        [...book.byKey.values()].find((other) => other.creator && other.itemParam === segment.param) ?? store;
    }
    if (!store) return;
    const field = segment.param === store.itemParam && store.fields.has(segment.param) ? segment.param : 'id';
    lookups.push({ store: store.key, param: segment.param, field });
  });
  return lookups;
}

function planEndpoint(
  shape: Shape,
  book: StoreBook,
  auth: boolean,
  shapes: readonly Shape[],
): PlannedEndpoint {
  const lookups = lookupsOf(shape, book);
  const handler = handlerOf(shape, book, auth, lookups, shapes);
  const needsCaller =
    auth &&
    (handler.kind === 'subject' ||
      handler.kind === 'logout' ||
      /authori[sz]ation|logged[- ]in/i.test(shape.endpoint.description) ||
      shapes.some(
        (other) => isSubject(other, auth) && shape.endpoint.path.startsWith(`${other.endpoint.path}/`),
      ));
  return { endpoint: shape.endpoint, handler, lookups, auth: needsCaller };
}

/** A path without parameters that answers one record: the caller's own, behind a token. */
function isSubject(shape: Shape, auth: boolean): boolean {
  return (
    auth &&
    shape.segments.every((segment) => !segment.param) &&
    ['GET', 'PUT', 'PATCH'].includes(shape.method) &&
    hasId(shape.endpoint.response)
  );
}

function handlerOf(
  shape: Shape,
  book: StoreBook,
  auth: boolean,
  lookups: readonly Lookup[],
  shapes: readonly Shape[],
): Handler {
  const { endpoint, method } = shape;
  const response = endpoint.response;
  const target = lookups.at(-1);
  const own = book.get(shape.key);
  const item = shape.trailing ? book.get(shape.collection) : undefined;
  if (isTokenIssuer(shape)) {
    const keys = Object.keys(response as object);
    return {
      kind: 'login',
      tokenKey: keys.find((key) => TOKEN_KEYS.includes(key))!,
      extras: keys.filter((key) => hasId((response as Record<string, unknown>)[key])),
    };
  }
  if (isLogout(shape)) return { kind: 'logout' };
  if (method === 'GET') {
    if (isStreamEndpoint(endpoint))
      return { kind: 'stream', store: closestStore(streamKeys(response), shape, book) };
    if (isBinaryExample(response)) return target ? { kind: 'file' } : { kind: 'view' };
    if (/redirect/i.test(endpoint.description) && target) {
      const counter = counterOf(endpoint.description, book.get(target.store));
      return counter ? { kind: 'redirect', counter } : { kind: 'redirect' };
    }
  }
  if (isSubject(shape, auth)) return { kind: 'subject', update: method !== 'GET' };
  switch (method) {
    case 'POST': {
      if (own?.creator && isListExample(response)) return { kind: 'upsert', store: own.key };
      if (own?.creator) return createHandler(shape, own, book, shapes);
      if (item || (target && hasId(response))) return { kind: 'update', partial: false };
      return { kind: 'action' };
    }
    case 'GET': {
      if (item) return { kind: 'read' };
      if (isListExample(response) || (response === null && !shape.trailing)) {
        if (own) return { kind: 'list', store: own.key };
        const above = book.get(shape.above);
        if (above && !above.parent) return { kind: 'list', store: above.key };
        return { kind: 'list', store: closestStore(itemKeys(response), shape, book) };
      }
      return { kind: 'view' };
    }
    case 'PUT':
    case 'PATCH':
      return item ? { kind: 'update', partial: method === 'PATCH' } : { kind: 'action' };
    case 'DELETE': {
      if (item) {
        const children = [...book.byKey.values()]
          .filter((store) => store.parent === item.key)
          .map((s) => s.key);
        return { kind: 'delete', store: item.key, children };
      }
      if (own) return { kind: 'delete-all', store: own.key };
      const above = book.get(shape.above);
      if (above) return { kind: 'delete-flagged', store: above.key };
      return { kind: 'action' };
    }
    default:
      return { kind: 'action' };
  }
}

function createHandler(shape: Shape, store: Store, book: StoreBook, shapes: readonly Shape[]): Handler {
  const response = shape.endpoint.response;
  const recordKey = hasId(response) ? undefined : namedRecordKey(response, store.name);
  const extras: Record<string, 'created' | 'owner'> = {};
  const owner = store.parent ? book.get(store.parent) : undefined;
  if (isRecordObject(response)) {
    for (const key of Object.keys(response)) {
      if (!hasId(response[key])) continue;
      if (singularMatches(key, store.name)) extras[key] = 'created';
      else if (owner && singularMatches(key, owner.name)) extras[key] = 'owner';
    }
  }
  const request = shape.endpoint.request;
  const multipart =
    /multipart/i.test(shape.endpoint.description) &&
    isRecordObject(request) &&
    Object.values(request).some((value) => isBinaryExample(value));
  const codeKeys = store.itemParam && store.itemParam !== 'id' ? [store.itemParam] : [];
  const record = recordKey ? (response as Record<string, unknown>)[recordKey] : response;
  return {
    kind: 'create',
    store: store.key,
    ...(recordKey ? { recordKey } : {}),
    extras,
    multipart,
    codeKeys,
    links: linksOf(record, store, book, shapes),
  };
}

/**
 * The record's fields whose example is a path of a GET endpoint naming one record of the store
 * (`"short_url": "/api/r/docs"`, `"url": "/api/images/7/file"`): filled with the new record's path.
 */
function linksOf(
  record: unknown,
  store: Store,
  book: StoreBook,
  shapes: readonly Shape[],
): Record<string, { path: string; field: string }> {
  const links: Record<string, { path: string; field: string }> = {};
  if (!isRecordObject(record)) return links;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string' || !value.startsWith('/')) continue;
    for (const other of shapes) {
      const params = other.segments.filter((segment) => segment.param);
      if (other.method !== 'GET' || params.length !== 1) continue;
      const pattern = other.segments.map((segment) => (segment.param ? '[^/]+' : escapeRegExp(segment.text)));
      if (!new RegExp(`^/${pattern.join('/')}$`).test(value)) continue;
      const lookup = lookupsOf(other, book).at(-1);
      if (lookup?.store !== store.key) continue;
      links[key] = { path: storeKey(other.segments), field: lookup.field };
      break;
    }
  }
  return links;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function itemKeys(response: unknown): string[] {
  const item = isListExample(response) ? response.items[0] : undefined;
  return isRecordObject(item) ? Object.keys(item) : [];
}

function streamKeys(response: unknown): string[] {
  if (!isRecordObject(response)) return [];
  return isRecordObject(response.data) ? Object.keys(response.data) : Object.keys(response);
}

/**
 * The store whose records look most like `keys` (at least half of them are its fields), among
 * those under the same owner as the path: where a derived list or a stream takes its records.
 */
function closestStore(keys: readonly string[], shape: Shape, book: StoreBook): string | undefined {
  const owner = ownerKey(shape.key);
  let best: { key: string; score: number } | undefined;
  for (const store of book.byKey.values()) {
    if (store.parent !== owner || store.key === shape.key) continue;
    const score = overlap(keys, store.fields);
    if (score >= SAME_ITEMS && (!best || score > best.score)) best = { key: store.key, score };
  }
  return best?.key;
}

/** The numeric field a description says is counted (`count the click` -> `clicks`). */
function counterOf(description: string, store: Store | undefined): string | undefined {
  if (!store || !/\bcount/i.test(description)) return undefined;
  return [...store.numbers].find(
    (field) =>
      /^[a-z]+$/.test(field) && new RegExp(`\\b${field.replace(/s$/, '')}s?\\b`, 'i').test(description),
  );
}
