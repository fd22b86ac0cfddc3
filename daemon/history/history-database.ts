/**
 * The history's connection: the in-memory sql.js database with its prepared statements and its
 * transactions. Preparing a statement costs more than running it, and jobs, ports and state are
 * read and written on every job, so each SQL text is prepared once and kept until an export,
 * which reopens the connection, frees them. Knows nothing of jobs or of saving.
 */
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

export class HistoryDatabase {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    tuneConnection(db);
  }

  /** Runs a statement that returns nothing. */
  run(sql: string, params: BindParams): void {
    const statement = this.statement(sql);
    try {
      statement.run(params);
    } finally {
      statement.reset();
    }
  }

  /** Every row of a query, by column name. */
  all(sql: string, params: BindParams): Array<Record<string, SqlValue>> {
    const statement = this.statement(sql);
    const rows: Array<Record<string, SqlValue>> = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(statement.getAsObject());
    } finally {
      statement.reset();
    }
    return rows;
  }

  /** The first row of a query, by position, or undefined. */
  first(sql: string, params: BindParams): SqlValue[] | undefined {
    const statement = this.statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.get() : undefined;
    } finally {
      statement.reset();
    }
  }

  /** Runs `body` in one transaction: all its statements stay, or none when it throws. */
  transaction<T>(body: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Rows changed by the last statement run. */
  rowsModified(): number {
    return this.db.getRowsModified();
  }

  /** The database file's bytes as of now. */
  export(): Uint8Array {
    // export() closes and reopens the connection, which frees every prepared statement.
    const data = this.db.export();
    this.statements.clear();
    tuneConnection(this.db);
    return data;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The database lives in sql.js's in-memory file system and durability comes from the saves, so a
 * journal written there per statement only costs time. Kept in memory it still allows ROLLBACK.
 * Applied again after every export, which reopens the connection.
 */
function tuneConnection(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
}
