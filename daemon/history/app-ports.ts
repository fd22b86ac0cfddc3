import type { SqlValue } from 'sql.js';
import { DaemonError } from '../daemon-error';

/** The ports a generated app's backend and frontend listen on. */
export interface AppPorts {
  backend: number;
  frontend: number;
}

/**
 * The statements the port functions need, run by the store with its prepared-statement cache:
 * preparing a statement costs more than running it, and ports are asked for on every job.
 */
export interface PortQueries {
  /** The first row of a query, or undefined. */
  first(sql: string, params: SqlValue[]): SqlValue[] | undefined;
  /** Every row of a query. */
  all(sql: string, params: SqlValue[]): SqlValue[][];
  run(sql: string, params: SqlValue[]): void;
}

export const FIRST_BACKEND_PORT = 5001;
export const FIRST_FRONTEND_PORT = 8001;
const LAST_PORT = 65535;

const FIND = 'SELECT backend_port, frontend_port FROM app_ports WHERE model_slug = ? AND app_num = ?';
const HIGHEST = `SELECT MAX(backend_port) - ${FIRST_BACKEND_PORT} + 1, MAX(frontend_port) - ${FIRST_FRONTEND_PORT} + 1 FROM app_ports`;
const TAKEN = 'SELECT 1 FROM app_ports WHERE backend_port IN (?, ?) OR frontend_port IN (?, ?) LIMIT 1';
/** Every pair in the order apps got them (rows are never deleted, so the order is for good). */
const ALL_PAIRS = 'SELECT backend_port, frontend_port FROM app_ports ORDER BY rowid';
/** The one statement that adds ports; the store logs what it runs (see change-log.ts). */
export const INSERT_APP_PORTS =
  'INSERT INTO app_ports (model_slug, app_num, backend_port, frontend_port) VALUES (?, ?, ?, ?)';

/** The ports recorded for an app, if any. */
export function findAppPorts(db: PortQueries, modelSlug: string, appNum: number): AppPorts | undefined {
  const row = db.first(FIND, [modelSlug, appNum]);
  return row ? { backend: Number(row[0]), frontend: Number(row[1]) } : undefined;
}

/**
 * Records ports for an app that has none: the next pair after the highest allocated so far,
 * skipping any port already used by another app on either side, so every port in the workspace
 * belongs to one app. Returns the ports recorded, or undefined when no such pair is left (after
 * 30,000 apps; see `sharedAppPorts`). `nextOffset`, when the caller knows it (it allocated the last
 * pair itself), spares the query for the highest pair.
 */
export function allocateAppPorts(
  db: PortQueries,
  modelSlug: string,
  appNum: number,
  nextOffset?: number,
): AppPorts | undefined {
  const row = nextOffset === undefined ? db.first(HIGHEST, []) : undefined;
  let offset = nextOffset ?? Math.max(0, Number(row?.[0] ?? 0), Number(row?.[1] ?? 0));
  // Both ranges grow upwards, so after about 3,000 apps the backend range reaches the frontend
  // one; a port already taken on either side is skipped. The unique indexes make each probe cheap.
  for (; ; offset++) {
    const backend = FIRST_BACKEND_PORT + offset;
    const frontend = FIRST_FRONTEND_PORT + offset;
    if (frontend > LAST_PORT) return undefined;
    if (db.first(TAKEN, [backend, frontend, backend, frontend])) continue;
    db.run(INSERT_APP_PORTS, [modelSlug, appNum, backend, frontend]);
    return { backend, frontend };
  }
}

/** Every recorded pair, in the order apps got them. */
export function listAppPorts(db: Pick<PortQueries, 'all'>): AppPorts[] {
  return db.all(ALL_PAIRS, []).map((row) => ({ backend: Number(row[0]), frontend: Number(row[1]) }));
}

/**
 * The ports of an app that comes after every pair was taken: it shares the pair of an earlier app,
 * picked by a hash of its slug and number, so it is given the same pair each time it asks (a
 * resumed job's prompts do not change) without anything being recorded. Two apps that share
 * ports cannot run at once; with tens of thousands of apps in one workspace that is the price.
 */
export function sharedAppPorts(pairs: readonly AppPorts[], modelSlug: string, appNum: number): AppPorts {
  let hash = 0x811c9dc5; // FNV-1a: stable across runs and machines, unlike anything seeded
  for (const char of `${modelSlug}/app${appNum}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const pair = pairs[hash % pairs.length];
  if (!pair) throw new DaemonError('internal', 'no app ports are recorded to share');
  return { ...pair };
}
