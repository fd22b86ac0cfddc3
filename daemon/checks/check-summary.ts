/**
 * The verdict and score of a check from what its levels found. The score is the share of the
 * template's endpoints the deepest level that judged them found working (static: declared by the
 * backend); problems are every finding of every level. `failed`: an error (the app cannot run as
 * it is) or not one endpoint; `passed`: every endpoint and no problem; `partial` in between;
 * `skipped`: no level ran.
 */
import type { CheckLevel, CheckVerdict, JobCheck } from '../../shared/job';
import type { CheckFinding, LevelResult } from './level-result';

export function summarizeCheck(
  results: readonly LevelResult[],
  levels: readonly CheckLevel[],
  checkedAt: string,
): JobCheck {
  const ran = results.filter((result) => result.status === 'ran');
  const skipReasons = results.flatMap((result) =>
    result.status === 'skipped'
      ? [`${result.level}: ${result.reason ?? 'skipped'}`]
      : (result.skippedParts ?? []).map((part) => part.reason),
  );
  if (ran.length === 0) {
    return {
      verdict: 'skipped',
      reason: skipReasons.join('; ') || 'no level ran',
      levels: [...levels],
      checkedAt,
    };
  }
  const findings = ran.flatMap((result) => result.findings);
  const endpoints = [...ran].reverse().find((result) => result.endpoints !== undefined)?.endpoints;
  const total = endpoints?.length;
  const ok = endpoints?.filter((endpoint) => endpoint.implemented).length;
  const errors = findings.filter((finding) => finding.severity === 'error');
  const verdict: CheckVerdict =
    errors.length > 0 || (total !== undefined && total > 0 && ok === 0)
      ? 'failed'
      : findings.length === 0 && ok === total
        ? 'passed'
        : 'partial';
  const reasons = [
    ...(errors.length > 0 ? [describe(errors[0]!, errors.length)] : []),
    ...(verdict === 'failed' && errors.length === 0
      ? ['the backend declares none of the endpoints of the template']
      : []),
    ...skipReasons,
  ];
  return {
    verdict,
    ...(total !== undefined
      ? { score: total === 0 ? 1 : ok! / total, endpointsOk: ok!, endpointsTotal: total }
      : {}),
    problems: findings.length,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    levels: [...levels],
    checkedAt,
  };
}

/** "backend/app.py:12: SyntaxError: invalid syntax (and 2 more errors)". */
function describe(finding: CheckFinding, count: number): string {
  const place = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : '';
  const more = count > 1 ? ` (and ${count - 1} more error${count > 2 ? 's' : ''})` : '';
  return `${place}${finding.message}${more}`;
}
