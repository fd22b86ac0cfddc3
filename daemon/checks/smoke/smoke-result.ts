/**
 * What a smoke check of one app found: the verdict, and every request it made with what came back.
 * Plain data, so that it can be stored, sent and compared as it is.
 */

/**
 * `passed`: every probe ok. `partial`: the app started, at least one endpoint works, no security
 * probe failed, some other probe failed. `failed`: the app did not start or answer
 * `GET /api/health`, no endpoint works, a security probe failed, or the check ran out of time.
 * `skipped`: nothing was run (no Python that can import Flask and Flask-Cors).
 */
export type SmokeVerdict = 'passed' | 'partial' | 'failed' | 'skipped';

/** `endpoint`: a template endpoint; `error-convention`: JSON errors; `security`: an attack. */
export type ProbeKind = 'endpoint' | 'error-convention' | 'security';

/** One probe: a request (or, for a check over every answer, the answer that failed it). */
export interface Probe {
  /** The template's `METHOD path` for an endpoint probe; the probe's name otherwise. */
  name: string;
  kind: ProbeKind;
  method: string;
  /** The path as sent (parameters filled in, query included). */
  path: string;
  /** The body sent, as text (JSON, or a description of a multipart form). */
  requestBody?: string;
  /** Absent when no answer came (refused, reset, timed out). */
  status?: number;
  /** Whether the answer's body parsed as JSON. */
  json: boolean;
  /** The start of the answer's body, at most 500 characters. */
  bodyExcerpt: string;
  verdict: 'ok' | 'failed';
  /** Why the probe failed, in a sentence. */
  reason?: string;
}

export interface SmokeResult {
  verdict: SmokeVerdict;
  /** Why the verdict is not `passed`; also a note such as the network isolation used. */
  reason?: string;
  endpointsOk: number;
  endpointsTotal: number;
  probes: Probe[];
  durationMs: number;
}

/** The longest body excerpt a probe keeps. */
export const BODY_EXCERPT_CHARS = 500;
