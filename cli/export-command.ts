/**
 * `appgen export [--batch <id>] --format csv|json`: one row per job (model, template, app, status,
 * error code, tokens, cost, duration, calls and retries, check), oldest first, on stdout. The rows
 * and the CSV are the same as AppGen: Export Results writes (shared/export-rows.ts).
 */
import { EXPORT_COLUMNS, exportRow, toCsv } from '../shared/export-rows';
import * as P from '../shared/protocol';
import { type CliContext, readingDaemon, UsageError } from './commands';

export async function exportResults(
  ctx: CliContext,
  options: { batch?: string; format?: string },
): Promise<number> {
  const format = options.format;
  if (format !== 'csv' && format !== 'json') {
    throw new UsageError(`export needs --format csv or --format json${format ? `, got "${format}"` : ''}`);
  }
  return readingDaemon(ctx, async (link) => {
    const jobs = await link.connection.sendRequest(
      P.GenerationListRequest,
      options.batch !== undefined ? { batchId: options.batch } : {},
    );
    const rows = [...jobs].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(exportRow);
    ctx.out.write(
      format === 'csv'
        ? toCsv(rows)
        : `${JSON.stringify({ columns: EXPORT_COLUMNS, jobs: rows }, null, 2)}\n`,
    );
    return 0;
  });
}
