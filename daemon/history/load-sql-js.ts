import { readFile } from 'node:fs/promises';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { DaemonError } from '../daemon-error';

// The project compiles without DOM types, where WebAssembly is declared as a namespace of types only.
const wasmRuntime = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
  .WebAssembly;

/**
 * Loads the SQLite engine from its wasm file (`dist/sql-wasm.wasm` in the bundle,
 * `node_modules/sql.js/dist/sql-wasm.wasm` from source).
 *
 * The file is read and validated here first: when sql.js cannot fetch or compile the wasm itself,
 * it also throws from a promise nobody awaits, which ends the process without a useful message.
 * sql.js keeps the first engine it loads for the life of the process.
 */
export async function loadSqlJs(wasmPath: string): Promise<SqlJsStatic> {
  let wasm: Uint8Array;
  try {
    wasm = await readFile(wasmPath);
  } catch (error) {
    throw new DaemonError(
      'internal',
      `SQLite engine not found: cannot read ${wasmPath}`,
      {},
      { cause: error },
    );
  }
  if (!wasmRuntime.validate(wasm)) {
    throw new DaemonError(
      'internal',
      `SQLite engine failed to load: ${wasmPath} is not a valid WebAssembly file`,
    );
  }
  try {
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
    return await initSqlJs({ wasmBinary, locateFile: () => wasmPath });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DaemonError(
      'internal',
      `SQLite engine failed to load from ${wasmPath}: ${reason}`,
      {},
      { cause: error },
    );
  }
}
