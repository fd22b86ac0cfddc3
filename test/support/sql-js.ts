/** The sql.js engine for tests that build or read history databases themselves. */
import { dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../daemon/history/load-sql-js';

/** Where sql.js keeps its wasm when running from source. */
export const WASM_PATH = join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm');

let engine: Promise<SqlJsStatic> | undefined;

/** One engine for the whole run: compiling the wasm for every test would only slow them down. */
export function sqlJs(): Promise<SqlJsStatic> {
  engine ??= loadSqlJs(WASM_PATH);
  return engine;
}
