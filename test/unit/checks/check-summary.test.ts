import { strict as assert } from 'node:assert';
import { summarizeCheck } from '../../../daemon/checks/check-summary';
import type { CheckFinding, EndpointResult, LevelResult } from '../../../daemon/checks/level-result';

const AT = '2026-01-02T03:04:05.000Z';
const endpoints = (ok: number, total: number): EndpointResult[] =>
  Array.from({ length: total }, (_, i) => ({ method: 'GET', path: `/api/e${i}`, implemented: i < ok }));
const finding = (severity: CheckFinding['severity']): CheckFinding => ({
  kind: severity === 'error' ? 'python_syntax' : 'unknown_route',
  severity,
  file: 'backend/app.py',
  line: 3,
  message: 'SyntaxError: invalid syntax',
});
const staticLevel = (fields: Partial<LevelResult>): LevelResult => ({
  level: 'static',
  status: 'ran',
  findings: [],
  ...fields,
});

describe('summarizeCheck', () => {
  it('passes an app with every endpoint and no problem', () => {
    assert.deepEqual(summarizeCheck([staticLevel({ endpoints: endpoints(6, 6) })], ['static'], AT), {
      verdict: 'passed',
      score: 1,
      endpointsOk: 6,
      endpointsTotal: 6,
      problems: 0,
      levels: ['static'],
      checkedAt: AT,
    });
  });

  it('is partial with endpoints missing or problems found, failed with an error or no endpoint', () => {
    const verdict = (fields: Partial<LevelResult>) => summarizeCheck([staticLevel(fields)], ['static'], AT);
    assert.equal(verdict({ endpoints: endpoints(4, 6) }).verdict, 'partial');
    assert.equal(verdict({ endpoints: endpoints(4, 6) }).score, 4 / 6);
    assert.equal(verdict({ endpoints: endpoints(6, 6), findings: [finding('problem')] }).verdict, 'partial');
    const failed = verdict({ endpoints: endpoints(6, 6), findings: [finding('error'), finding('error')] });
    assert.equal(failed.verdict, 'failed');
    assert.equal(failed.reason, 'backend/app.py:3: SyntaxError: invalid syntax (and 1 more error)');
    const none = verdict({ endpoints: endpoints(0, 6) });
    assert.equal(none.verdict, 'failed');
    assert.equal(none.reason, 'the backend declares none of the endpoints of the template');
  });

  it('is skipped, with the reasons, when no level ran; a level skipped beside one that ran is named', () => {
    const smoke: LevelResult = { level: 'smoke', status: 'skipped', reason: 'not built yet', findings: [] };
    assert.deepEqual(summarizeCheck([smoke], ['smoke'], AT), {
      verdict: 'skipped',
      reason: 'smoke: not built yet',
      levels: ['smoke'],
      checkedAt: AT,
    });
    const both = summarizeCheck(
      [staticLevel({ endpoints: endpoints(2, 2) }), smoke],
      ['static', 'smoke'],
      AT,
    );
    assert.equal(both.verdict, 'passed');
    assert.equal(both.reason, 'smoke: not built yet');
  });

  it('names a part of a level that could not run, without failing the app for it', () => {
    const check = summarizeCheck(
      [
        staticLevel({
          endpoints: endpoints(1, 1),
          skippedParts: [{ part: 'python', reason: 'Python files were not compiled: no python3' }],
        }),
      ],
      ['static'],
      AT,
    );
    assert.equal(check.verdict, 'passed');
    assert.equal(check.reason, 'Python files were not compiled: no python3');
  });

  it('takes the score from the deepest level that judged the endpoints', () => {
    const smoke: LevelResult = { level: 'smoke', status: 'ran', endpoints: endpoints(1, 4), findings: [] };
    const check = summarizeCheck(
      [staticLevel({ endpoints: endpoints(4, 4) }), smoke],
      ['static', 'smoke'],
      AT,
    );
    assert.equal(check.score, 0.25);
  });
});
