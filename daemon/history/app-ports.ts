import type { SqlValue } from 'sql.js';
import { appKey } from '../../shared/workspace-layout';

/** The ports a generated app's backend and frontend listen on. */
export interface AppPorts {
  backend: number;
  frontend: number;
}

/**
 * The statements the port book needs, run by the store with its prepared-statement cache; what it
 * inserts the store logs (see change-log.ts).
 */
export interface PortQueries {
  /** Every row of a query. */
  all(sql: string, params: SqlValue[]): SqlValue[][];
  run(sql: string, params: SqlValue[]): void;
}

export const FIRST_BACKEND_PORT = 5001;
export const FIRST_FRONTEND_PORT = 8001;
const LAST_PORT = 65535;

/** Every app's pair in the order apps got them (rows are never deleted, so the order is for good). */
const ALL_PORTS = 'SELECT model_slug, app_num, backend_port, frontend_port FROM app_ports ORDER BY rowid';
/** The one statement that adds ports; the store logs what it runs (see change-log.ts). */
export const INSERT_APP_PORTS =
  'INSERT INTO app_ports (model_slug, app_num, backend_port, frontend_port) VALUES (?, ?, ?, ?)';

/**
 * Which ports each app has, read from the history once and then kept in memory: every job asks
 * (its prompts name them), and a batch of thousands asked the database three times per job. Only
 * the store that holds this book adds ports, so memory and the table stay the same.
 *
 * An app gets the next pair after the highest given so far, skipping any port another app has on
 * either side (the two ranges meet after 3,000 apps), so every port in the workspace belongs to one
 * app. Past the last pair (after 30,000 apps) an app shares the pair of an earlier one (see
 * `sharedPair`), recorded nowhere.
 */
export class AppPortBook {
  private readonly byApp = new Map<string, AppPorts>();
  private readonly used = new Set<number>();
  private readonly pairs: AppPorts[] = [];
  private nextOffset = 0;
  private full = false;

  constructor(private readonly db: PortQueries) {
    for (const [slug, appNum, backend, frontend] of db.all(ALL_PORTS, [])) {
      this.remember(String(slug), Number(appNum), { backend: Number(backend), frontend: Number(frontend) });
    }
  }

  /** The app's ports, given now (and recorded) when it has none. */
  portsFor(modelSlug: string, appNum: number): { ports: AppPorts; recorded: boolean } {
    const found = this.byApp.get(appKey(modelSlug, appNum));
    if (found) return { ports: { ...found }, recorded: false };
    for (; !this.full; this.nextOffset++) {
      const backend = FIRST_BACKEND_PORT + this.nextOffset;
      const frontend = FIRST_FRONTEND_PORT + this.nextOffset;
      if (frontend > LAST_PORT) {
        this.full = true;
        break;
      }
      if (this.used.has(backend) || this.used.has(frontend)) continue;
      this.db.run(INSERT_APP_PORTS, [modelSlug, appNum, backend, frontend]);
      this.remember(modelSlug, appNum, { backend, frontend });
      return { ports: { backend, frontend }, recorded: true };
    }
    return { ports: sharedPair(this.pairs, modelSlug, appNum), recorded: false };
  }

  /** Whether apps have begun to share ports (every pair is taken). */
  get sharing(): boolean {
    return this.full;
  }

  private remember(modelSlug: string, appNum: number, ports: AppPorts): void {
    this.byApp.set(appKey(modelSlug, appNum), ports);
    this.used.add(ports.backend);
    this.used.add(ports.frontend);
    this.pairs.push(ports);
    this.nextOffset = Math.max(
      this.nextOffset,
      ports.backend - FIRST_BACKEND_PORT + 1,
      ports.frontend - FIRST_FRONTEND_PORT + 1,
    );
  }
}

/**
 * The ports of an app that comes after every pair was taken: it shares the pair of an earlier app,
 * picked by a hash of its slug and number, so it is given the same pair each time it asks (a
 * resumed job's prompts do not change) without anything being recorded. Two apps that share
 * ports cannot run at once; with tens of thousands of apps in one workspace that is the price.
 */
export function sharedPair(pairs: readonly AppPorts[], modelSlug: string, appNum: number): AppPorts {
  let hash = 0x811c9dc5; // FNV-1a: the same on every run and machine
  for (const char of appKey(modelSlug, appNum)) {
    hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  }
  const pair = pairs[hash % pairs.length];
  if (!pair) throw new Error('no app ports are recorded to share');
  return { ...pair };
}
