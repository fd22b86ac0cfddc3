/**
 * How the simulated backend serves a specified API, decided from the endpoints alone (their
 * methods, path shapes and example bodies), never from a template's name: the collections of
 * records it keeps (api-stores.ts), the records each path names, and what each route does with
 * them. Pure data; flask-handlers.ts turns it into code.
 */
import {
  hasId,
  isBinaryExample,
  isListExample,
  isLogout,
  isRecordObject,
  isStreamEndpoint,
  isTokenIssuer,
  namedRecordKey,
  overlap,
  ownerKey,
  type Shape,
  shapeOf,
  singularMatches,
  storeKey,
  TOKEN_KEYS,
} from './api-examples';
import type { ApiEndpoint } from './api-spec';
import { findStores, type Store, type StoreBook } from './api-stores';

export type { Store } from './api-stores';

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

const SAME_ITEMS = 0.5;

/** Decides, for every endpoint, what the simulated backend does. */
export function planApi(endpoints: readonly ApiEndpoint[]): ApiPlan {
  const shapes = endpoints.map(shapeOf);
  const book = findStores(shapes);
  const auth = shapes.some(isTokenIssuer);
  const planned = shapes.map((shape) => planEndpoint(shape, book, auth, shapes));
  return { endpoints: planned, stores: [...book.byKey.values()] };
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
