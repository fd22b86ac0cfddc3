import type { Database } from 'sql.js';
import { DaemonError } from '../daemon-error';

/** The ports a generated app's backend and frontend listen on. */
export interface AppPorts {
  backend: number;
  frontend: number;
}

export const FIRST_BACKEND_PORT = 5001;
export const FIRST_FRONTEND_PORT = 8001;
const LAST_PORT = 65535;

/** The ports recorded for an app, if any. */
export function findAppPorts(db: Database, modelSlug: string, appNum: number): AppPorts | undefined {
  const statement = db.prepare(
    'SELECT backend_port, frontend_port FROM app_ports WHERE model_slug = ? AND app_num = ?',
  );
  try {
    statement.bind([modelSlug, appNum]);
    if (!statement.step()) return undefined;
    const [backend, frontend] = statement.get();
    return { backend: Number(backend), frontend: Number(frontend) };
  } finally {
    statement.free();
  }
}

/**
 * Records ports for an app that has none: the next pair after the highest allocated so far,
 * skipping any port already used by another app on either side, so every port in the workspace
 * belongs to one app. Returns the ports recorded.
 */
export function allocateAppPorts(db: Database, modelSlug: string, appNum: number): AppPorts {
  const [row] = db.exec(
    `SELECT MAX(backend_port) - ${FIRST_BACKEND_PORT} + 1, MAX(frontend_port) - ${FIRST_FRONTEND_PORT} + 1 FROM app_ports`,
  )[0]?.values ?? [[null, null]];
  let offset = Math.max(0, Number(row?.[0] ?? 0), Number(row?.[1] ?? 0));
  // Both ranges grow upwards, so after about 3,000 apps the backend range reaches the frontend
  // one; a port already taken on either side is skipped. The unique indexes make each probe cheap.
  const taken = db.prepare(
    'SELECT 1 FROM app_ports WHERE backend_port IN (?, ?) OR frontend_port IN (?, ?) LIMIT 1',
  );
  try {
    for (; ; offset++) {
      const backend = FIRST_BACKEND_PORT + offset;
      const frontend = FIRST_FRONTEND_PORT + offset;
      if (frontend > LAST_PORT) {
        throw new DaemonError('internal', `no free port pair left for ${modelSlug}/app${appNum}`);
      }
      taken.bind([backend, frontend, backend, frontend]);
      const clash = taken.step();
      taken.reset();
      if (clash) continue;
      db.run('INSERT INTO app_ports (model_slug, app_num, backend_port, frontend_port) VALUES (?, ?, ?, ?)', [
        modelSlug,
        appNum,
        backend,
        frontend,
      ]);
      return { backend, frontend };
    }
  } finally {
    taken.free();
  }
}
