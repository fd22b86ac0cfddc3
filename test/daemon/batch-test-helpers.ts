/**
 * A daemon wired to a local simulator, with the batch notifications it sends kept for assertions.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc';
import type { Simulator } from '../../daemon/simulator/simulator';
import { RpcErrorCodes } from '../../shared/errors';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon, tempWorkspace } from '../support/daemon-process';

export const TEST_KEY = 'sk-or-v1-batch-test-key';

export interface BatchDaemon extends DaemonProcess {
  /** Every `batch/changed` notification received so far. */
  progress: P.BatchProgress[];
  /** Resolves with the first `batch/changed` matching `predicate` (past or future). */
  waitForProgress: (
    predicate: (p: P.BatchProgress) => boolean,
    timeoutMs?: number,
  ) => Promise<P.BatchProgress>;
  /** Writes a batch file into the workspace (default `appgen.batch.json`). */
  writeBatch: (text: string, name?: string) => void;
  startBatch: (configPath?: string) => Promise<P.BatchStartResult>;
}

/** Spawns and initializes a daemon whose model calls go to `simulator`, with quick retries. */
export async function startBatchDaemon(
  simulator: Simulator,
  env: Record<string, string> = {},
  workspace = tempWorkspace('appgen-batch-'),
): Promise<BatchDaemon> {
  const daemon = spawnDaemon({
    workspace,
    env: {
      OPENROUTER_BASE_URL: simulator.url,
      OPENROUTER_API_KEY: TEST_KEY,
      OPENROUTER_MAX_RETRIES: '1',
      OPENROUTER_BACKOFF_BASE_MS: '1',
      ...env,
    },
  });
  const progress: P.BatchProgress[] = [];
  const waiters: { predicate: (p: P.BatchProgress) => boolean; resolve: (p: P.BatchProgress) => void }[] = [];
  daemon.connection.onNotification(P.BatchChangedNotification, (update) => {
    progress.push(update);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(update)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(update);
      }
    }
  });
  await daemon.initialize();
  return {
    ...daemon,
    progress,
    waitForProgress: (predicate, timeoutMs = 20_000) => {
      const seen = progress.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `no matching batch/changed within ${timeoutMs} ms; stderr:\n${daemon.stderr().slice(-2000)}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (update: P.BatchProgress) => {
            clearTimeout(timer);
            resolve(update);
          },
        };
        waiters.push(waiter);
      });
    },
    writeBatch: (text, name = 'appgen.batch.json') => writeFileSync(join(daemon.workspace, name), text),
    startBatch: (configPath) =>
      daemon.connection.sendRequest(P.BatchStartRequest, configPath === undefined ? {} : { configPath }),
  };
}

/** The batch has ended and its report is on disk. */
export function reported(batchId: string): (p: P.BatchProgress) => boolean {
  return (p) => p.batchId === batchId && p.finished && p.reportPath !== undefined;
}

/** Runs `request`, which must fail with JSON-RPC "invalid params"; returns the error. */
export async function invalidParams(
  request: Promise<unknown>,
): Promise<ResponseError<{ details?: unknown }>> {
  try {
    await request;
  } catch (error) {
    const responseError = error as ResponseError<{ details?: unknown }>;
    if (responseError.code !== RpcErrorCodes.InvalidParams) throw error;
    return responseError;
  }
  throw new Error('the request succeeded; it should have been refused');
}
