/**
 * A daemon wired to a local simulator, with the batch notifications it sends kept for assertions.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { type DaemonProcess, spawnDaemon, tempWorkspace } from './daemon-process';
import { NotificationLog } from './notification-log';
import { simulatorEnv } from './sim-env';
import { suiteSimulator } from './suite-simulator';

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
    env: simulatorEnv(simulator, { OPENROUTER_MAX_RETRIES: '1', ...env }),
  });
  const progress = new NotificationLog<P.BatchProgress>(
    P.BatchChangedNotification.method,
    daemon.stderr,
    daemon.exited,
  );
  daemon.connection.onNotification(P.BatchChangedNotification, (update) => progress.push(update));
  await daemon.initialize();
  return {
    ...daemon,
    progress: progress.received,
    waitForProgress: (predicate, timeoutMs) => progress.waitFor(predicate, timeoutMs),
    writeBatch: (text, name = 'appgen.batch.json') => writeFileSync(join(daemon.workspace, name), text),
    startBatch: (configPath) =>
      daemon.connection.sendRequest(P.BatchStartRequest, configPath === undefined ? {} : { configPath }),
  };
}

/** The batch has ended and its report is on disk. */
export function reported(batchId: string): (p: P.BatchProgress) => boolean {
  return (p) => p.batchId === batchId && p.finished && p.reportPath !== undefined;
}

/** Five built-in templates, for batches large enough to show a limit at work. */
export const FIVE_TEMPLATES = [
  'crud_todo_list',
  'api_url_shortener',
  'kanban_board',
  'quiz_app',
  'markdown_notes',
];

/**
 * Registers hooks in the calling suite: one simulator for the suite, and the batch daemons a test
 * starts with `start` stopped after it (the simulator resumed first, so none waits on a held call).
 */
export function batchDaemonsPerTest(): {
  simulator: () => Simulator;
  start: (env?: Record<string, string>, workspace?: string) => Promise<BatchDaemon>;
} {
  const started: BatchDaemon[] = [];
  const simulator = suiteSimulator({
    afterEachTest: async () => {
      simulator().resume();
      for (const daemon of started.splice(0)) await daemon.stop();
    },
  });
  return {
    simulator,
    start: async (env, workspace) => {
      const daemon = await startBatchDaemon(simulator(), env, workspace);
      started.push(daemon);
      return daemon;
    },
  };
}
