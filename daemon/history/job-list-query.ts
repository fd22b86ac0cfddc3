/**
 * The query behind `HistoryStore.listJobs`: a filter in, SQL and its values out. Only the column
 * names written here ever reach the SQL; every value the caller gives is bound. The texts are few
 * (one per combination of filters), so each is prepared once like the store's fixed statements.
 */
import type { SqlValue } from 'sql.js';
import type { JobStatus } from '../../shared/job';
import { modelSlug } from '../../shared/model-slug';
import { DaemonError } from '../daemon-error';
import { SELECT_JOBS } from './history-sql';

/** Which jobs `listJobs` returns. */
export interface JobFilter {
  /** At most this many, newest first. */
  limit?: number;
  /** A model id or its slug. */
  model?: string;
  templateSlug?: string;
  status?: JobStatus;
  batchId?: string;
}

/** Jobs matching every given filter, newest first (by creation time, then recording order). */
export function jobListQuery(filter: JobFilter): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.model !== undefined) {
    // A slug matches every model with that slug; an id narrows to that exact model.
    const slug = modelSlug(filter.model);
    where.push('model_slug = ?');
    params.push(slug);
    if (slug !== filter.model) {
      where.push('model = ?');
      params.push(filter.model);
    }
  }
  for (const [column, value] of [
    ['template_slug', filter.templateSlug],
    ['status', filter.status],
    ['batch_id', filter.batchId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  let sql = `${SELECT_JOBS}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 0) {
      throw new DaemonError(
        'invalid_params',
        `limit must be a whole number of 0 or more, not ${filter.limit}`,
      );
    }
    sql += ' LIMIT ?';
    params.push(filter.limit);
  }
  return { sql, params };
}
