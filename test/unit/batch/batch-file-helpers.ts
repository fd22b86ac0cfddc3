/** What the batch file tests share: files built from lines, and problems in one compact form. */
import assert from 'node:assert/strict';
import { type BatchProblem, type ParseBatchOptions, parseBatchFile } from '../../../daemon/batch/batch-file';

/** Builds a file from lines so each test can say exactly where a problem sits. */
export function file(...lines: string[]): string {
  return lines.join('\n');
}

/** The problems as `line:column path: message`, for compact assertions. */
function described(problems: BatchProblem[]): string[] {
  return problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
}

/** The problems of a file, which must then yield no config. */
export function problemsOf(text: string, options: ParseBatchOptions = {}): string[] {
  const parsed = parseBatchFile(text, options);
  assert.equal(parsed.config, undefined, 'a file with problems yields no config');
  return described(parsed.problems);
}
