/**
 * Opening's half of the change log (change-log.ts): applies what an earlier process logged after
 * its last whole write. The log itself stays until the next whole write, which the saver arranges;
 * a line or a change the tables refuse is left out and said, never fatal.
 */
import { constants as bufferConstants } from 'node:buffer';
import { rename } from 'node:fs/promises';
import { FileRefusedError, readRegularText } from '../read-regular-file';
import { parseChangeLog } from './change-log';
import type { HistoryDatabase } from './history-database';
import { REPLAY_PORTS, UPSERT_BATCH, UPSERT_JOB, UPSERT_STATE } from './history-sql';
import { JOB_COLUMNS } from './job-row';
import type { HistoryLog } from './open-database-file';

/** What replaying found of the log file. */
export interface ReplayedChangeLog {
  /** Size of the log, 0 when there is none. */
  logBytes: number;
  /** Whether its last line lacks its newline (a crash, a failed append). */
  endsMidLine: boolean;
}

export async function replayChangeLog(
  db: HistoryDatabase,
  logFile: string,
  log: HistoryLog,
): Promise<ReplayedChangeLog> {
  let text: string;
  try {
    text = await readRegularText(logFile, { maxBytes: bufferConstants.MAX_STRING_LENGTH, noFollow: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { logBytes: 0, endsMidLine: false };
    if (!(error instanceof FileRefusedError)) throw error;
    // A link or a pipe in its place was not written by a daemon: moved aside unread (a link
    // itself, never its target), as the history is, so that the next append makes a new log.
    const aside = `${logFile}.refused-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(logFile, aside);
    log(
      'history change log refused unread and moved aside',
      { file: logFile, movedTo: aside, reason: `it ${error.message}` },
      'warn',
    );
    return { logBytes: 0, endsMidLine: false };
  }
  const replayed = { logBytes: Buffer.byteLength(text), endsMidLine: text !== '' && !text.endsWith('\n') };
  const { entries, skipped } = parseChangeLog(text);
  for (const problem of skipped) log('history change log: line left out', { file: logFile, ...problem });
  if (entries.length === 0) return replayed;
  let applied = 0;
  db.transaction(() => {
    for (const [index, entry] of entries.entries()) {
      try {
        if (entry.s === 'job') {
          db.run(
            UPSERT_JOB,
            JOB_COLUMNS.map((column) => entry.r[column] ?? null),
          );
        } else {
          const sql = { batch: UPSERT_BATCH, ports: REPLAY_PORTS, state: UPSERT_STATE }[entry.s];
          db.run(sql, entry.p);
        }
        applied++;
      } catch (error) {
        // A row the tables refuse (a missing required value): only that statement is undone.
        log('history change log: change left out', {
          file: logFile,
          change: index + 1,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
  });
  log('history change log replayed', { file: logFile, changes: applied });
  return replayed;
}
