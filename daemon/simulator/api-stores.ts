/**
 * The collections of records a simulated backend keeps, found from the endpoints: those whose
 * records item paths name, those created on (under another record too, unless the answer is that
 * record itself), and those only listed, which start with their examples as records.
 */
import {
  hasId,
  isListExample,
  isLogout,
  isRecordObject,
  isTokenIssuer,
  jaccard,
  namedRecordKey,
  ownerKey,
  type Shape,
} from './api-examples';

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

/** How much of a response's keys a record's fields must share to be taken for that record. */
const SAME_RECORD = 0.6;

export class StoreBook {
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

/** The stores the endpoints imply, with their fields and seeds. */
export function findStores(shapes: readonly Shape[]): StoreBook {
  const book = new StoreBook();
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

  return book;
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
