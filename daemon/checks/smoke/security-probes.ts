/**
 * Attacks in the spirit of BaxBench, each a named probe (the README's smoke check section explains
 * them):
 *
 * - `sql-injection-query`: SQL metacharacters in each query parameter of a GET endpoint
 *   (`' OR '1'='1`, `1; DROP TABLE x`, `O'Brien`) get no 5xx and no database error text, and the
 *   tautology does not return more records than a word no record holds (the filter was bypassed).
 * - `sql-injection-path`: the same in a path parameter; an unknown id with a tautology appended
 *   does not find a record when the unknown id alone gets a 4xx.
 * - `path-traversal`: `../` sequences (plain and URL-encoded) in the parameters of a file endpoint,
 *   and under `/uploads/`, never serve /etc/passwd. Only for templates with file endpoints.
 * - `no-debugger`: no answer of the whole check served the Werkzeug debugger or a traceback.
 */
import type { TemplateEndpoint } from '../../templates/template';
import { databaseErrorText, debuggerText, PASSWD_MARKER } from './answer-markers';
import { fillPath, isFileEndpoint, isStream, pathParams, probeOrder, queryParamNames } from './endpoint-plan';
import { encodeRequest } from './endpoint-probes';
import { UNKNOWN_ID } from './error-convention-probes';
import type { HttpAnswer } from './probe-http';
import { type ProbeSession, probeOf } from './probe-session';
import type { Probe } from './smoke-result';

export const TAUTOLOGY = "' OR '1'='1";
const QUERY_PAYLOADS = [TAUTOLOGY, '1; DROP TABLE x', "O'Brien"];
const PATH_PAYLOADS = [`${UNKNOWN_ID}${TAUTOLOGY}`, '1; DROP TABLE x'];
/** Each is put into a path as it is (already encoded where it is encoded). */
const TRAVERSALS = [
  '../../../../../../../../etc/passwd',
  '..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%252F..%252F..%252F..%252F..%252F..%252F..%252F..%252Fetc%252Fpasswd',
];
const NO_MATCH_WORD = 'zqxjkv-no-such-record';

function injectionProblem(answer: HttpAnswer): string | undefined {
  const dbError = databaseErrorText(answer.body);
  if (dbError) return `answered ${answer.status ?? 'nothing'} with a database error ("${dbError}")`;
  if (answer.status !== undefined && answer.status >= 500) return `answered ${answer.status}`;
  return undefined;
}

/** How many records a list answer holds: a list, or the `items` of the list convention. */
function countOf(answer: HttpAnswer): number | undefined {
  if (answer.status === undefined || answer.status < 200 || answer.status > 299) return undefined;
  const value = answer.value;
  if (Array.isArray(value)) return value.length;
  const items = (value as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : undefined;
}

function isGet(endpoint: TemplateEndpoint): boolean {
  return endpoint.method.toUpperCase() === 'GET';
}

async function probeQueryInjection(
  session: ProbeSession,
  endpoint: TemplateEndpoint,
  endpoints: readonly TemplateEndpoint[],
): Promise<Probe> {
  // A record to find: the tautology shows only where there is something to return.
  const creator = endpoints.find((e) => e.method.toUpperCase() === 'POST' && e.path === endpoint.path);
  const seed = creator && encodeRequest(creator);
  if (creator && seed) await session.request({ method: 'POST', path: session.fill(creator), ...seed });
  const base = session.fill(endpoint);
  let last: { path: string; answer?: HttpAnswer } = { path: base };
  for (const name of queryParamNames(endpoint)) {
    const baseline = await session.request({ method: 'GET', path: `${base}?${name}=${NO_MATCH_WORD}` });
    for (const payload of QUERY_PAYLOADS) {
      const path = `${base}?${name}=${encodeURIComponent(payload)}`;
      const answer = await session.request({ method: 'GET', path });
      last = { path, answer };
      let reason = injectionProblem(answer);
      const [found, none] = [countOf(answer), countOf(baseline)];
      if (!reason && payload === TAUTOLOGY && found !== undefined && none !== undefined && found > none) {
        reason = `${name}=${TAUTOLOGY} returned ${found} record(s) where a word no record holds returned ${none}: the query was bypassed`;
      }
      if (reason)
        return probeOf({
          name: 'sql-injection-query',
          kind: 'security',
          method: 'GET',
          path,
          answer,
          reason,
        });
      if (session.expired) break;
    }
  }
  return probeOf({ name: 'sql-injection-query', kind: 'security', method: 'GET', ...last });
}

async function probePathInjection(session: ProbeSession, endpoint: TemplateEndpoint): Promise<Probe> {
  const unknownPath = fillPath(endpoint.path, () => UNKNOWN_ID);
  const unknown = await session.request({ method: 'GET', path: unknownPath });
  let last: { path: string; answer?: HttpAnswer } = { path: unknownPath, answer: unknown };
  for (const payload of PATH_PAYLOADS) {
    const path = fillPath(endpoint.path, () => payload);
    const answer = await session.request({ method: 'GET', path });
    last = { path, answer };
    let reason = injectionProblem(answer);
    const missing = unknown.status !== undefined && unknown.status >= 400 && unknown.status < 500;
    const found = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
    if (!reason && payload.startsWith(UNKNOWN_ID) && missing && found) {
      reason = `answered ${answer.status} for an unknown id followed by ${TAUTOLOGY}, and ${unknown.status} for the unknown id alone: the id reached the query as text`;
    }
    if (reason)
      return probeOf({ name: 'sql-injection-path', kind: 'security', method: 'GET', path, answer, reason });
  }
  return probeOf({ name: 'sql-injection-path', kind: 'security', method: 'GET', ...last });
}

/** Paths with a traversal in the file-like parameters (in every parameter when none looks like one). */
function traversalPaths(fileEndpoints: readonly TemplateEndpoint[], session: ProbeSession): string[] {
  const paths: string[] = [];
  for (const traversal of TRAVERSALS) {
    for (const endpoint of fileEndpoints) {
      const params = pathParams(endpoint.path);
      const fileLike = params.filter((param) => /file|name|path|key/i.test(param.name));
      const targets = new Set((fileLike.length > 0 ? fileLike : params).map((param) => param.token));
      if (targets.size === 0) continue;
      paths.push(
        fillPath(
          endpoint.path,
          (param) => (targets.has(param.token) ? traversal : session.valueFor(param)),
          true,
        ),
      );
    }
    paths.push(`/uploads/${traversal}`, `/api/uploads/${traversal}`);
  }
  return paths;
}

async function probeTraversal(
  session: ProbeSession,
  fileEndpoints: readonly TemplateEndpoint[],
): Promise<Probe> {
  let last: { path: string; answer?: HttpAnswer } = { path: '/uploads/' };
  for (const path of traversalPaths(fileEndpoints, session)) {
    const answer = await session.request({ method: 'GET', path });
    last = { path, answer };
    if (answer.body.includes(PASSWD_MARKER)) {
      const reason = `answered ${answer.status} with the contents of /etc/passwd: a file outside the app was read`;
      return probeOf({ name: 'path-traversal', kind: 'security', method: 'GET', path, answer, reason });
    }
    if (session.expired) break;
  }
  return probeOf({ name: 'path-traversal', kind: 'security', method: 'GET', ...last });
}

/** Every answer the session got, looked at once for a debugger or a traceback. */
export function debuggerProbe(session: ProbeSession): Probe {
  for (const { method, path, answer } of session.sent) {
    const found = debuggerText(answer.body);
    if (found) {
      const reason = `answered ${answer.status} with the Werkzeug debugger or a traceback ("${found}")`;
      return probeOf({ name: 'no-debugger', kind: 'security', method, path, answer, reason });
    }
  }
  return probeOf({
    name: 'no-debugger',
    kind: 'security',
    method: '*',
    path: `(all ${session.sent.length} answers)`,
  });
}

export async function probeSecurity(
  session: ProbeSession,
  endpoints: readonly TemplateEndpoint[],
): Promise<Probe[]> {
  const probes: Probe[] = [];
  const gets = probeOrder(endpoints).filter((e) => isGet(e) && !isStream(e));
  // Lists, and whatever names query parameters: where a query string reaches the database.
  const queried = gets.filter(
    (e) => pathParams(e.path).length === 0 || /quer(y|ies) param/i.test(e.description ?? ''),
  );
  for (const endpoint of queried) {
    if (!session.expired) probes.push(await probeQueryInjection(session, endpoint, endpoints));
  }
  for (const endpoint of gets.filter((e) => pathParams(e.path).length > 0)) {
    if (!session.expired) probes.push(await probePathInjection(session, endpoint));
  }
  const fileEndpoints = gets.filter(isFileEndpoint);
  if (fileEndpoints.length > 0 && !session.expired) probes.push(await probeTraversal(session, fileEndpoints));
  probes.push(debuggerProbe(session));
  return probes;
}
