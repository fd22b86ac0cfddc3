/** A check's summary in a few words, for tables and reports: `partial 5/6, 2 problems`. */
import type { JobCheck } from '../../shared/job';

export function describeCheck(check: JobCheck | undefined): string {
  if (!check) return '';
  const parts: string[] = [check.verdict];
  if (check.endpointsTotal !== undefined && check.verdict !== 'running') {
    parts[0] = `${check.verdict} ${check.endpointsOk ?? 0}/${check.endpointsTotal}`;
  }
  if (check.problems) parts.push(`${check.problems} problem${check.problems === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Whether a check has ended (with any verdict). */
export function checkEnded(check: JobCheck | undefined): check is JobCheck {
  return check !== undefined && check.verdict !== 'running';
}
