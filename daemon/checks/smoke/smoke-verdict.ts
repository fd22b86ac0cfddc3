/**
 * The verdict of a smoke check whose app started and answered its health check, from its probes:
 * `failed` when a security probe failed or no endpoint works (while the template has endpoints),
 * `passed` when every probe is ok, `partial` otherwise. The reason names what failed.
 */
import type { Probe, SmokeVerdict } from './smoke-result';

export function smokeVerdict(probes: readonly Probe[]): { verdict: SmokeVerdict; reason?: string } {
  const endpoints = probes.filter((probe) => probe.kind === 'endpoint');
  const ok = endpoints.filter((probe) => probe.verdict === 'ok').length;
  const failedSecurity = probes.filter((probe) => probe.kind === 'security' && probe.verdict === 'failed');
  // Security failures are named first: they decide the verdict.
  const failed = [
    ...failedSecurity,
    ...probes.filter((probe) => probe.verdict === 'failed' && probe.kind !== 'security'),
  ];
  if (failed.length === 0) return { verdict: 'passed' };
  const named = failed
    .slice(0, 3)
    .map((probe) => `${probe.name}: ${probe.reason ?? 'failed'}`)
    .join('; ');
  const more = failed.length > 3 ? `; and ${failed.length - 3} more` : '';
  const tally = `${ok} of ${endpoints.length} endpoints work`;
  if (failedSecurity.length > 0) {
    const names = [...new Set(failedSecurity.map((probe) => probe.name))].join(', ');
    return { verdict: 'failed', reason: `security probe failed (${names}); ${tally}; ${named}${more}` };
  }
  if (endpoints.length > 0 && ok === 0)
    return { verdict: 'failed', reason: `no endpoint works; ${named}${more}` };
  return { verdict: 'partial', reason: `${tally}; ${named}${more}` };
}
