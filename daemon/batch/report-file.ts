/**
 * A batch's report on disk, `.appgen/reports/<batchId>.md`: replaced whole (a temporary file
 * flushed, then renamed), readable by the user only, in a folder reached through no link. A batch
 * id can come from the history, which a workspace may bring along: one that is not a plain name
 * is refused rather than allowed to place the report elsewhere.
 */
import { join } from 'node:path';
import { REPORTS_FOLDER, reportFile, reportFileName } from '../../shared/workspace-layout';
import { atomicWriteFile } from '../history/atomic-write-file';
import { unsafePath } from '../merger/safe-app-path';
import { PRIVATE_FOLDER_MODE } from '../private-file';
import { ensureWorkspaceFolder } from '../workspace-folder';

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Writes the report; returns its workspace-relative path. Throws `unsafe_path` for a link or a bad id. */
export async function writeReportFile(workspace: string, batchId: string, markdown: string): Promise<string> {
  if (!PLAIN_NAME.test(batchId))
    throw unsafePath(reportFile(batchId), 'has a batch id that is not a plain name');
  const folder = ensureWorkspaceFolder(workspace, REPORTS_FOLDER, { mode: PRIVATE_FOLDER_MODE });
  await atomicWriteFile(join(folder, reportFileName(batchId)), Buffer.from(markdown, 'utf8'));
  return reportFile(batchId);
}
