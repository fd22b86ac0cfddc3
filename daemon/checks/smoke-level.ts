/**
 * The smoke level as a check level: runs `runSmokeCheck` on the job's app and turns its probes into
 * the shape every level shares. An endpoint works when its probe got the answer the template
 * describes; a failed security probe is an error (the app is unsafe to run as it is), a failed
 * error-convention probe a problem; an app that never answered its health check is an error too.
 */
import type { CheckLevel } from '../../shared/job';
import type { LevelContext } from './check-runner';
import type { CheckFinding, EndpointResult, LevelResult } from './level-result';
import { runSmokeCheck, type SmokeCheckOptions } from './smoke/run-smoke-check';
import type { SmokeResult } from './smoke/smoke-result';

const LEVEL: CheckLevel = 'smoke';

export interface SmokeLevelSettings {
  /** The interpreter; empty or undefined: PATH's `python3`, then `/usr/bin/python3`. */
  python?: string;
  timeoutMs?: number;
  limiter?: SmokeCheckOptions['limiter'];
}

export function smokeLevel(settings: () => SmokeLevelSettings) {
  return async (context: LevelContext): Promise<LevelResult> => {
    if (!context.template) {
      return {
        level: LEVEL,
        status: 'skipped',
        reason: `template "${context.job.templateSlug}" is not known`,
        findings: [],
      };
    }
    const { python, timeoutMs, limiter } = settings();
    const result = await runSmokeCheck({
      appDir: context.appDir,
      template: { api_endpoints: context.template.api_endpoints ?? [] },
      ...(python ? { python } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(limiter ? { limiter } : {}),
    });
    return smokeLevelResult(result);
  };
}

/** Pure: a smoke result in the shared shape, its probes kept for the details file. */
export function smokeLevelResult(result: SmokeResult): LevelResult {
  if (result.verdict === 'skipped') {
    return { level: LEVEL, status: 'skipped', reason: result.reason ?? 'skipped', findings: [] };
  }
  const endpoints: EndpointResult[] = result.probes
    .filter((probe) => probe.kind === 'endpoint')
    .map((probe) => {
      const [method = probe.method, ...rest] = probe.name.split(' ');
      return { method, path: rest.join(' ') || probe.path, implemented: probe.verdict === 'ok' };
    });
  const findings: CheckFinding[] = result.probes
    .filter((probe) => probe.kind !== 'endpoint' && probe.verdict === 'failed')
    .map((probe) => ({
      kind: probe.kind === 'security' ? `security_${probe.name}` : `convention_${probe.name}`,
      severity: probe.kind === 'security' ? 'error' : 'problem',
      message: `${probe.method} ${probe.path}: ${probe.reason ?? 'failed'}`,
    }));
  const answered = result.probes.some((probe) => probe.status !== undefined);
  if (result.verdict === 'failed' && !answered) {
    findings.push({
      kind: 'smoke_start',
      severity: 'error',
      message: result.reason ?? 'the app did not start',
    });
  }
  return {
    level: LEVEL,
    status: 'ran',
    ...(endpoints.length > 0 || answered ? { endpoints } : {}),
    findings,
    notes: [
      `smoke ${result.verdict} in ${Math.round(result.durationMs)} ms`,
      ...(result.reason ? [result.reason] : []),
    ],
    probes: result.probes,
  };
}
