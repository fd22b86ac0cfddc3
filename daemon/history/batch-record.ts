import type { SqlValue } from 'sql.js';

/** One started batch, as the history keeps it. */
export interface BatchRecord {
  id: string;
  /** Workspace-relative path of the batch file it came from. */
  configPath?: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  finishedAt?: string;
  /** The batch's settings (models, templates, options), as given. */
  options?: Record<string, unknown>;
}

/** The `batches` row values for `batch`, in the order id, config_path, created_at, finished_at, options. */
export function batchToRow(batch: BatchRecord): SqlValue[] {
  return [
    batch.id,
    batch.configPath ?? null,
    batch.createdAt,
    batch.finishedAt ?? null,
    batch.options === undefined ? null : JSON.stringify(batch.options),
  ];
}

/** The batch a `batches` row stores, without null fields. */
export function rowToBatch(row: Record<string, SqlValue>): BatchRecord {
  const batch: BatchRecord = { id: String(row.id), createdAt: String(row.created_at) };
  if (row.config_path !== null && row.config_path !== undefined) batch.configPath = String(row.config_path);
  if (row.finished_at !== null && row.finished_at !== undefined) batch.finishedAt = String(row.finished_at);
  if (typeof row.options === 'string') {
    try {
      const options: unknown = JSON.parse(row.options);
      if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
        batch.options = options as Record<string, unknown>;
      }
    } catch {
      // A damaged options value is dropped rather than failing the whole read.
    }
  }
  return batch;
}
