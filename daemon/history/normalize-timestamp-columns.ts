import type { Database } from 'sql.js';
import { normalizeTimestamp } from './timestamps';

/** What normalising one column did. */
export interface TimestampColumnReport {
  table: string;
  column: string;
  /** Rows whose value was rewritten in the normalised form. */
  changed: number;
  /** Rows whose value could not be read as a time; they keep their value. */
  unparseable: number;
  /** A few of the unparseable values, for the log. */
  unparseableExamples: string[];
}

const MAX_EXAMPLES = 5;

/**
 * Rewrites every non-null value of the given timestamp columns in the normalised UTC form.
 * Values already normalised are left alone, so a second run changes nothing; values that cannot
 * be read are kept as they are and counted. No row is added or removed. The caller owns the
 * transaction. Table and column names come from the schema code, never from input.
 */
export function normalizeTimestampColumns(
  db: Database,
  table: string,
  columns: readonly string[],
): TimestampColumnReport[] {
  return columns.map((column) => normalizeColumn(db, table, column));
}

function normalizeColumn(db: Database, table: string, column: string): TimestampColumnReport {
  const report: TimestampColumnReport = {
    table,
    column,
    changed: 0,
    unparseable: 0,
    unparseableExamples: [],
  };
  const updates: Array<[string, number]> = [];
  const select = db.prepare(`SELECT rowid, "${column}" FROM "${table}" WHERE "${column}" IS NOT NULL`);
  try {
    while (select.step()) {
      const [rowid, value] = select.get();
      const normalized = normalizeTimestamp(value);
      if (normalized === null) {
        report.unparseable++;
        if (report.unparseableExamples.length < MAX_EXAMPLES) report.unparseableExamples.push(String(value));
      } else if (normalized !== value) {
        updates.push([normalized, Number(rowid)]);
      }
    }
  } finally {
    select.free();
  }
  // Updates wait until the scan is done so the statement never reads a row it already rewrote.
  const update = db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`);
  try {
    for (const params of updates) {
      update.run(params);
      report.changed++;
    }
  } finally {
    update.free();
  }
  return report;
}
