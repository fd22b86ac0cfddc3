/**
 * One probe per template endpoint: the example request sent as JSON (or as a multipart form when
 * the endpoint takes one, with a tiny PNG for a file field), path parameters filled from what was
 * created. An endpoint works when it answers 2xx (or a redirect, when it is described as one) with
 * a JSON body of the example response's shape; an example that stands for a file, an event stream
 * or nothing asks for the status only. An endpoint whose example response is an error (it has an
 * `error` field) and whose description names a 4xx status for it (`422 with field messages
 * otherwise`) may answer that status too: its example request may be the invalid one.
 */
import { randomBytes } from 'node:crypto';
import type { TemplateEndpoint } from '../../templates/template';
import { isMultipart, probeOrder } from './endpoint-plan';
import type { HttpAnswer } from './probe-http';
import { answerWords, type ProbeSession, probeOf } from './probe-session';
import { dataWords, isNonJsonExample, shapeMismatch } from './response-shape';
import type { Probe } from './smoke-result';

/** A valid 1x1 PNG, for file fields of multipart forms. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=',
  'base64',
);

export interface EncodedBody {
  headers: Record<string, string>;
  body: Buffer | string;
  /** What was sent, as a probe records it. */
  shown: string;
}

/** The endpoint's example request, encoded as the endpoint takes it; undefined when it takes none. */
export function encodeRequest(endpoint: TemplateEndpoint): EncodedBody | undefined {
  const example = endpoint.request;
  if (example === null || example === undefined) return undefined;
  if (!isMultipart(endpoint) || typeof example !== 'object' || Array.isArray(example)) {
    const body = JSON.stringify(example);
    return { headers: { 'content-type': 'application/json' }, body, shown: body };
  }
  const boundary = `appgen-${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  const shown: string[] = [];
  for (const [name, value] of Object.entries(example)) {
    const isFile = typeof value === 'string' && /^<binary/i.test(value);
    const head = isFile
      ? `Content-Disposition: form-data; name="${name}"; filename="probe.png"\r\nContent-Type: image/png`
      : `Content-Disposition: form-data; name="${name}"`;
    const content = isFile
      ? TINY_PNG
      : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
    parts.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), content, Buffer.from('\r\n'));
    shown.push(isFile ? `${name}=probe.png (a 1x1 PNG)` : `${name}=${content.toString()}`);
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts),
    shown: `multipart form: ${shown.join(', ')}`,
  };
}

/** The 4xx statuses an endpoint promises for its example, when that example is an error answer. */
export function promisedErrorStatuses(endpoint: TemplateEndpoint): Set<number> {
  const example = endpoint.response;
  const isError =
    example !== null && typeof example === 'object' && !Array.isArray(example) && 'error' in example;
  if (!isError) return new Set();
  return new Set([...(endpoint.description ?? '').matchAll(/\b4\d\d\b/g)].map((match) => Number(match[0])));
}

/**
 * Why the answer does not do what the endpoint promises, or undefined when it does. `words`: the
 * strings of the template's example requests (see `dataWords`).
 */
export function endpointProblem(
  endpoint: TemplateEndpoint,
  answer: HttpAnswer,
  words: ReadonlySet<string> = new Set(),
): string | undefined {
  const status = answer.status;
  const promisedError = status !== undefined && promisedErrorStatuses(endpoint).has(status);
  if (status === undefined || status < 200 || (status >= 400 && !promisedError)) return answerWords(answer);
  if (status >= 300 && status < 400) {
    const promised = /redirect/i.test(endpoint.description ?? '') && answer.headers.location !== undefined;
    return promised ? undefined : `answered ${status} (a redirect)`;
  }
  const example = endpoint.response;
  const stream = String(answer.headers['content-type'] ?? '').startsWith('text/event-stream');
  if (example === null || example === undefined || stream || isNonJsonExample(example)) return undefined;
  // 204 No Content carries no body by definition: nothing to compare.
  if (status === 204) return undefined;
  if (!answer.json) return `answered ${status} with a body that is not JSON`;
  const mismatch = shapeMismatch(example, answer.value, '', 0, words);
  return mismatch ? `answered ${status} but ${mismatch}` : undefined;
}

export async function probeEndpoints(
  session: ProbeSession,
  endpoints: readonly TemplateEndpoint[],
): Promise<Probe[]> {
  const probes: Probe[] = [];
  const words = dataWords(endpoints.map((endpoint) => endpoint.request));
  for (const endpoint of probeOrder(endpoints)) {
    const method = endpoint.method.toUpperCase();
    const path = session.fill(endpoint);
    const encoded = encodeRequest(endpoint);
    const answer = await session.request({ method, path, headers: encoded?.headers, body: encoded?.body });
    const reason = endpointProblem(endpoint, answer, words);
    const created = answer.status !== undefined && answer.status < 300;
    if (reason === undefined && created && method === 'POST') session.remember(endpoint.path, answer.value);
    probes.push(
      probeOf({
        name: `${method} ${endpoint.path}`,
        kind: 'endpoint',
        method,
        path,
        requestBody: encoded?.shown,
        answer,
        reason,
      }),
    );
  }
  return probes;
}
