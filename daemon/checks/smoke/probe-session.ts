/**
 * The probes' shared state while one app is checked: where the app is, how much time is left,
 * the bearer token a login answered (sent with every later request, so that endpoints behind a
 * login can be probed), the resources that creating calls answered (for path parameters), and
 * every answer (for the checks that look at all of them).
 */
import type { TemplateEndpoint } from '../../templates/template';
import { type PathParam, pathParams } from './endpoint-plan';
import { type AppTarget, type HttpAnswer, type HttpCall, sendHttp } from './probe-http';
import { BODY_EXCERPT_CHARS, type Probe, type ProbeKind } from './smoke-result';

/** The longest a single probe request may take. */
export const PROBE_REQUEST_MS = 5_000;

export interface SentRequest {
  method: string;
  path: string;
  answer: HttpAnswer;
}

export class ProbeSession {
  readonly sent: SentRequest[] = [];
  private token: string | undefined;
  /** Resources creating calls answered, newest last, by the template path they were made on. */
  private readonly created: { collection: string; value: Record<string, unknown> }[] = [];

  constructor(
    private readonly target: AppTarget,
    private readonly deadline: number,
    private readonly clock: () => number,
    private readonly send: (target: AppTarget, call: HttpCall) => Promise<HttpAnswer> = sendHttp,
  ) {}

  get timeLeftMs(): number {
    return this.deadline - this.clock();
  }

  get expired(): boolean {
    return this.timeLeftMs <= 0;
  }

  async request(call: Omit<HttpCall, 'timeoutMs'>): Promise<HttpAnswer> {
    if (this.expired) return { headers: {}, body: '', json: false, error: 'the check ran out of time' };
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (this.token && !('authorization' in headers)) headers.authorization = `Bearer ${this.token}`;
    const timeoutMs = Math.max(1, Math.min(PROBE_REQUEST_MS, this.timeLeftMs));
    const answer = await this.send(this.target, { ...call, headers, timeoutMs });
    this.sent.push({ method: call.method, path: call.path, answer });
    const token = tokenOf(answer.value);
    if (token) this.token = token;
    return answer;
  }

  /** Keeps what a creating call on `templatePath` answered. */
  remember(templatePath: string, value: unknown): void {
    const resource = resourceOf(value);
    if (resource) this.created.push({ collection: templatePath, value: resource });
  }

  /** A value for a path parameter: from what was created on its collection, else anything created, else `1`. */
  valueFor(param: PathParam): string {
    const own = this.created.filter((entry) => entry.collection === param.collection).at(-1)?.value;
    const candidates = [
      own?.[param.name],
      own?.id,
      this.created.findLast((entry) => param.name in entry.value)?.value[param.name],
    ];
    for (const candidate of candidates) {
      if (typeof candidate !== 'string' && typeof candidate !== 'number') continue;
      const text = String(candidate);
      if (param.converter === 'int' && !/^\d+$/.test(text)) continue;
      return text;
    }
    return '1';
  }

  /** The template path filled with known values. */
  fill(endpoint: TemplateEndpoint): string {
    let path = endpoint.path;
    for (const param of pathParams(endpoint.path)) {
      path = path.replace(param.token, encodeURIComponent(this.valueFor(param)));
    }
    return path;
  }
}

function tokenOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const token = record.token ?? record.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** The created record: the answer itself, or the one object in it that has an `id`. */
function resourceOf(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if ('id' in record) return record;
  const inner = Object.values(record).filter(
    (item): item is Record<string, unknown> =>
      item !== null && typeof item === 'object' && !Array.isArray(item) && 'id' in item,
  );
  return inner.length === 1 ? inner[0] : record;
}

/** A probe record of one request and its answer; `reason` given means it failed. */
export function probeOf(fields: {
  name: string;
  kind: ProbeKind;
  method: string;
  path: string;
  requestBody?: string;
  answer?: HttpAnswer;
  reason?: string;
}): Probe {
  const { answer, reason } = fields;
  const probe: Probe = {
    name: fields.name,
    kind: fields.kind,
    method: fields.method,
    path: fields.path,
    json: answer?.json ?? false,
    bodyExcerpt: (answer?.body ?? '').slice(0, BODY_EXCERPT_CHARS),
    verdict: reason === undefined ? 'ok' : 'failed',
  };
  if (fields.requestBody !== undefined) probe.requestBody = fields.requestBody.slice(0, BODY_EXCERPT_CHARS);
  if (answer?.status !== undefined) probe.status = answer.status;
  if (reason !== undefined) probe.reason = reason;
  return probe;
}

/** "answered 500", "no answer (connection refused)": what came back, in words. */
export function answerWords(answer: HttpAnswer): string {
  return answer.status === undefined
    ? `no answer (${answer.error ?? 'unknown error'})`
    : `answered ${answer.status}`;
}
