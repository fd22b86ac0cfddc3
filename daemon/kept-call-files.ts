/**
 * Reads the artifact files of one model call of a job (see artifacts.ts for where they are kept),
 * for a resumed job to use the answer its earlier run already got (see kept-answer.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ArtifactPart, artifactFileName } from '../shared/workspace-layout';
import type { KeptCall } from './kept-answer';

/**
 * The files of call `component` of `jobId` in the artifacts folder `folder` (workspace-relative),
 * or undefined when there are none. The raw response is written before the metadata, which a stop
 * may leave missing or cut short: its text is then empty, and the response decides alone.
 */
export function readKeptCall(
  workspace: string,
  folder: string,
  jobId: string,
  component: string,
): KeptCall | undefined {
  const file = (part: ArtifactPart) =>
    join(workspace, ...folder.split('/'), artifactFileName(jobId, component, part));
  // Asked before every call, and a new job has none: a stat costs less than a failed read.
  if (!existsSync(file('response'))) return undefined;
  try {
    return {
      request: readFileSync(file('request'), 'utf8'),
      rawResponse: readFileSync(file('response'), 'utf8'),
      meta: existsSync(file('meta')) ? readFileSync(file('meta'), 'utf8') : '',
    };
  } catch {
    return undefined;
  }
}
