/**
 * The error conventions a client relies on: a request whose JSON does not parse gets a 4xx answer
 * whose body is JSON (not Flask's HTML page, not a traceback), and a path naming a record that does
 * not exist gets 404 with a JSON body. Each probe is left out when the template has no endpoint it
 * applies to.
 */
import type { TemplateEndpoint } from '../../templates/template';
import { debuggerText } from './answer-markers';
import { isMultipart, pathParams, probeOrder } from './endpoint-plan';
import { encodeRequest } from './endpoint-probes';
import type { HttpAnswer } from './probe-http';
import { answerWords, type ProbeSession, probeOf } from './probe-session';
import type { Probe } from './smoke-result';

const MALFORMED_JSON = '{"broken": ';
/** An id no probe created: large enough that no fresh app has a record with it. */
export const UNKNOWN_ID = '987654321';

function contentTypeOf(answer: HttpAnswer): string {
  return String(answer.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
}

/** Why an error answer breaks the convention (`expected`: 404, or any 4xx), or undefined. */
export function errorAnswerProblem(answer: HttpAnswer, expected: 404 | '4xx'): string | undefined {
  const status = answer.status;
  if (status === undefined) return answerWords(answer);
  const traceback = debuggerText(answer.body);
  if (traceback) return `answered ${status} with a traceback ("${traceback}")`;
  if (expected === 404 && status !== 404) return `answered ${status}, not 404`;
  if (expected === '4xx' && (status < 400 || status > 499)) return `answered ${status}, not a 4xx error`;
  if (!answer.json) {
    const type = contentTypeOf(answer);
    const what = type === 'text/html' || /<html|<!doctype/i.test(answer.body) ? 'HTML' : type || 'a body';
    return `answered ${status} with ${what}, not a JSON error`;
  }
  return undefined;
}

function takesJson(endpoint: TemplateEndpoint): boolean {
  const method = endpoint.method.toUpperCase();
  return ['POST', 'PUT', 'PATCH'].includes(method) && endpoint.request != null && !isMultipart(endpoint);
}

export async function probeErrorConventions(
  session: ProbeSession,
  endpoints: readonly TemplateEndpoint[],
): Promise<Probe[]> {
  const probes: Probe[] = [];
  const ordered = probeOrder(endpoints);
  // A creating call first: on a record's path, a deleted record's 404 would hide the parse error.
  const jsonTaker =
    ordered.find((endpoint) => takesJson(endpoint) && pathParams(endpoint.path).length === 0) ??
    ordered.find(takesJson);
  if (jsonTaker) {
    const method = jsonTaker.method.toUpperCase();
    const path = session.fill(jsonTaker);
    const answer = await session.request({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: MALFORMED_JSON,
    });
    const reason = errorAnswerProblem(answer, '4xx');
    probes.push(
      probeOf({
        name: 'malformed-json',
        kind: 'error-convention',
        method,
        path,
        requestBody: MALFORMED_JSON,
        answer,
        reason,
      }),
    );
  }
  const withId = ordered.filter((endpoint) => pathParams(endpoint.path).length > 0);
  const byId =
    withId.find((endpoint) => endpoint.method.toUpperCase() === 'GET') ??
    withId.find((endpoint) => ['PUT', 'PATCH', 'DELETE'].includes(endpoint.method.toUpperCase()));
  if (byId) {
    const method = byId.method.toUpperCase();
    let path = byId.path;
    for (const param of pathParams(byId.path)) path = path.replace(param.token, UNKNOWN_ID);
    const encoded = method === 'DELETE' || method === 'GET' ? undefined : encodeRequest(byId);
    const answer = await session.request({ method, path, headers: encoded?.headers, body: encoded?.body });
    const reason = errorAnswerProblem(answer, 404);
    probes.push(
      probeOf({
        name: 'unknown-id',
        kind: 'error-convention',
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
