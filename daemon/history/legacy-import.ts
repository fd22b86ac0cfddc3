import { createHash } from 'node:crypto';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { isErrorCode } from '../../shared/errors';
import type { Job, JobStatus } from '../../shared/job';
import { MAX_APP_NUM, modelIdProblem, modelSlug as slugOf } from '../../shared/model-slug';
import { appRelativePath } from '../../shared/workspace-layout';
import { DaemonError } from '../daemon-error';
import { FileRefusedError, readRegularFile } from '../read-regular-file';
import { type Clock, normalizeTimestamp, nowIso } from './timestamps';

/** One row of the old tool's table, ready to be recorded. */
export interface LegacyJob {
  job: Job;
  /** `model_slug/app_number/template_slug/created_at`; the same row imported twice has the same key. */
  legacyKey: string;
  /** The row as read, for reference. */
  legacyData: Record<string, string | number | null>;
}

export interface LegacyReadResult {
  jobs: LegacyJob[];
  /** Rows that could not be mapped (no model, template or app number), with the reason. */
  invalid: Array<{ row: number; reason: string }>;
}

const TABLE = 'generated_applications';
const REQUIRED_COLUMNS = [
  'model_slug',
  'app_number',
  'template_slug',
  'generation_status',
  'created_at',
  'updated_at',
] as const;
const SQLITE_HEADER = 'SQLite format 3\0';
/**
 * sql.js holds the whole file in memory; the old tool's tables are a few megabytes, so a larger file
 * is refused rather than read.
 */
export const MAX_LEGACY_DB_BYTES = 256 * 1024 * 1024;
/** Where the old tool kept its apps, relative to the workspace. */
const LEGACY_OUTPUT_DIR = 'generated/apps';

/**
 * Reads the `generated_applications` table of the platform this tool replaces and maps every row
 * to a finished job. A file that is not such a database is refused with `invalid_params` naming
 * the file and the reason; nothing is read from it then.
 */
export async function readLegacyJobs(
  sql: SqlJsStatic,
  dbPath: string,
  now: Clock,
): Promise<LegacyReadResult> {
  const db = await openLegacyDatabase(sql, dbPath);
  try {
    checkTable(db, dbPath);
    const result: LegacyReadResult = { jobs: [], invalid: [] };
    const statement = db.prepare(`SELECT * FROM ${TABLE} ORDER BY rowid`);
    try {
      for (let row = 1; statement.step(); row++) {
        const mapped = legacyRowToJob(statement.getAsObject(), now);
        if (typeof mapped === 'string') result.invalid.push({ row, reason: mapped });
        else result.jobs.push(mapped);
      }
    } finally {
      statement.free();
    }
    return result;
  } finally {
    db.close();
  }
}

/** Maps one legacy row to a job, or returns why it cannot be. */
export function legacyRowToJob(row: Record<string, SqlValue>, now: Clock): LegacyJob | string {
  const modelSlug = text(row.model_slug);
  const templateSlug = text(row.template_slug);
  const appNum = Number(row.app_number);
  if (modelSlug === undefined) return 'no model_slug';
  if (templateSlug === undefined) return 'no template_slug';
  if (!Number.isInteger(appNum) || appNum < 1 || appNum > MAX_APP_NUM)
    return `app_number ${String(row.app_number)} is not an integer from 1 to ${MAX_APP_NUM}`;
  // The slug names the app's folder as it is: it must already be one safe folder name.
  if (slugOf(modelSlug) !== modelSlug) return `model_slug ${JSON.stringify(modelSlug)} is not a folder name`;
  const slugProblem = modelIdProblem(modelSlug);
  if (slugProblem !== undefined) return `model_slug: ${slugProblem}`;

  const metadata = parseMetadata(row.metadata_json);
  const model = text(metadata.model) ?? modelSlug;
  const modelProblem = modelIdProblem(model);
  if (modelProblem !== undefined) return `metadata_json: ${modelProblem}`;
  const created = normalizeTimestamp(row.created_at);
  const updated = normalizeTimestamp(row.updated_at);
  // Every job needs a creation time; a row whose times cannot be read is dated by the import.
  const createdAt = created ?? updated ?? nowIso(now);
  const legacyKey = `${modelSlug}/${appNum}/${templateSlug}/${created ?? String(row.created_at)}`;
  const rawStatus = (text(row.generation_status) ?? 'unknown').toLowerCase();

  const job: Job = {
    id: `legacy-${createHash('sha256').update(legacyKey).digest('hex').slice(0, 24)}`,
    templateSlug,
    model,
    modelSlug,
    appNum,
    appPath: appRelativePath(LEGACY_OUTPUT_DIR, modelSlug, appNum),
    status: mapStatus(rawStatus),
    attempts: 0,
    createdAt,
    // Every imported job is finished; its last update is when it finished.
    finishedAt: updated ?? createdAt,
  };
  const started = normalizeTimestamp(metadata.started_at ?? metadata.startedAt);
  if (started !== null) job.startedAt = started;
  if (job.status === 'failed') {
    const code = text(metadata.error_code);
    job.error = {
      code: code !== undefined && isErrorCode(code) ? code : 'internal',
      message: failureMessage(rawStatus, metadata),
    };
  }
  return { job, legacyKey, legacyData: plainRow(row) };
}

function mapStatus(status: string): JobStatus {
  if (status === 'completed' || status === 'succeeded') return 'succeeded';
  if (status === 'cancelled' || status === 'canceled') return 'cancelled';
  return 'failed';
}

function failureMessage(status: string, metadata: Record<string, unknown>): string {
  if (status === 'pending' || status === 'running') {
    return `Interrupted: the generation was still ${status} when the old tool stopped`;
  }
  if (status !== 'failed') return `The old tool recorded the unknown status "${status}"`;
  return text(metadata.error_message) ?? text(metadata.error) ?? 'The generation failed in the old tool';
}

async function openLegacyDatabase(sql: SqlJsStatic, dbPath: string): Promise<Database> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(dbPath, { maxBytes: MAX_LEGACY_DB_BYTES });
  } catch (error) {
    if (error instanceof FileRefusedError) throw refuse(dbPath, `the file ${error.message}`, error);
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    throw refuse(
      dbPath,
      code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${String(code)})`,
      error,
    );
  }
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, SQLITE_HEADER.length));
  if (header !== SQLITE_HEADER) throw refuse(dbPath, 'the file is not a SQLite database');
  try {
    return new sql.Database(bytes);
  } catch (error) {
    throw refuse(dbPath, `the file cannot be opened as SQLite (${String(error)})`, error);
  }
}

function checkTable(db: Database, dbPath: string): void {
  let columns: Set<string>;
  try {
    const info = db.exec(`PRAGMA table_info(${TABLE})`)[0]?.values ?? [];
    columns = new Set(info.map((column) => String(column[1])));
  } catch (error) {
    throw refuse(
      dbPath,
      `the file is damaged (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
  if (columns.size === 0) throw refuse(dbPath, `it has no ${TABLE} table`);
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) throw refuse(dbPath, `its ${TABLE} table lacks ${missing.join(', ')}`);
}

function refuse(dbPath: string, reason: string, cause?: unknown): DaemonError {
  return new DaemonError(
    'invalid_params',
    `not a legacy AppGen database: ${dbPath}: ${reason}`,
    {},
    { cause },
  );
}

function parseMetadata(value: SqlValue | undefined): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function plainRow(row: Record<string, SqlValue>): Record<string, string | number | null> {
  const plain: Record<string, string | number | null> = {};
  // Binary values have no useful text form; they are left out.
  for (const [key, value] of Object.entries(row)) plain[key] = value instanceof Uint8Array ? null : value;
  return plain;
}
