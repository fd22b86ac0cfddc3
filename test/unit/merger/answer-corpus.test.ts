/**
 * Runs every model answer of test/fixtures/answers (see test/support/answer-corpus.ts) through the
 * merger. An answer with `\n` line ends is also run with `\r\n` ones.
 */
import { strict as assert } from 'node:assert';
import { extractComponentFiles } from '../../../daemon/merger/extract-files';
import type { FileWrite } from '../../../daemon/merger/file-write';
import { checkAppImports } from '../../../daemon/merger/import-check';
import { planAppMerge } from '../../../daemon/merger/plan-app-merge';
import { renderScaffold } from '../../../daemon/scaffold/render-scaffold';
import { answerCases, sha256 } from '../../support/answer-corpus';
import { expectDaemonError } from './merger-test-helpers';

function summary(files: readonly FileWrite[]) {
  return files
    .map((file) => ({
      path: file.path,
      firstLine: file.content.split('\n')[0],
      sha256: sha256(file.content),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe('the answer corpus (test/fixtures/answers)', () => {
  const cases = answerCases();

  it('has cases of both components, with CRLF, tilde fences and think sections among them', () => {
    assert.ok(cases.some((c) => c.component === 'backend') && cases.some((c) => c.component === 'frontend'));
    assert.ok(cases.some((c) => c.answer.includes('\r\n')));
    assert.ok(cases.some((c) => c.answer.includes('~~~')));
    assert.ok(cases.some((c) => c.answer.includes('<think>')));
  });

  for (const testCase of cases) {
    const variants: [string, string][] = [['', testCase.answer]];
    if (!testCase.answer.includes('\r')) variants.push([' (CRLF)', testCase.answer.replace(/\n/g, '\r\n')]);
    for (const [variant, answer] of variants) {
      it(`${testCase.name}${variant}: ${testCase.about}`, () => {
        if (testCase.error !== undefined) {
          expectDaemonError(() => extractComponentFiles(testCase.component, answer, 'stop'), testCase.error);
          return;
        }
        const files = extractComponentFiles(testCase.component, answer, 'stop');
        const expected = [...testCase.files!].sort((a, b) => (a.path < b.path ? -1 : 1));
        assert.deepEqual(
          summary(files),
          expected.map(({ path, firstLine, sha256: hash }) => ({ path, firstLine, sha256: hash })),
        );
      });
    }
    if (testCase.files !== undefined) {
      it(`${testCase.name}: a new app of these files has ${testCase.warnings?.length ?? 'no'} import warning(s)`, () => {
        const writes = extractComponentFiles(testCase.component, testCase.answer, 'stop');
        const scaffold = new Map(renderScaffold().map((file) => [file.path, file.content]));
        const readCurrent = (path: string) => scaffold.get(path);
        const warnings = checkAppImports({ files: planAppMerge({ writes, readCurrent }), readCurrent });
        assert.deepEqual(
          warnings.map(({ code, file }) => ({ code, file })),
          testCase.warnings ?? [],
          JSON.stringify(warnings, null, 2),
        );
      });
    }
  }
});
