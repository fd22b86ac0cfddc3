/**
 * The contract between a template, its backend and its frontend: which of the template's
 * endpoints the backend declares (method and path), and which `/api` URLs the frontend calls that
 * no route of the backend serves. Pure: routes and calls in, results out.
 */
import type { Route } from '../prompts/extract-routes';
import { type FrontendCall, showPath, UNKNOWN } from './frontend-calls';
import type { CheckFinding, EndpointResult } from './level-result';
import { methodServed, type PathSegment, pathSegments, routeImplements, routeServes } from './route-paths';

export interface ContractInput {
  /** The template's `api_endpoints`. */
  endpoints: readonly { method: string; path: string }[];
  /** The backend's Flask routes. */
  routes: readonly Route[];
  calls: readonly FrontendCall[];
}

export interface ContractResult {
  endpoints: EndpointResult[];
  findings: CheckFinding[];
}

export function checkContract(input: ContractInput): ContractResult {
  const routes = input.routes.map((route) => ({ route, segments: pathSegments(route.path) }));
  const endpoints = input.endpoints.map((endpoint): EndpointResult => {
    const method = endpoint.method.trim().toUpperCase();
    const wanted = pathSegments(endpoint.path);
    const found = routes.find(
      ({ route, segments }) => methodServed(route.methods, method) && routeImplements(segments, wanted),
    );
    return {
      method,
      path: endpoint.path,
      implemented: found !== undefined,
      ...(found ? { route: found.route.path } : {}),
    };
  });
  const findings: CheckFinding[] = [];
  const reported = new Set<string>();
  for (const call of input.calls) {
    const segments: PathSegment[] = pathSegments(call.path, UNKNOWN);
    const served = routes.some(
      (r) => methodServed(r.route.methods, call.method) && routeServes(r.segments, segments),
    );
    if (served) continue;
    const shown = `${call.method ?? 'a request to'} ${showPath(call.path)}`;
    // One finding per place; the same URL called from two places is two places to fix.
    const key = `${call.file}:${call.line}:${shown}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const samePath = routes.filter((r) => routeServes(r.segments, segments)).flatMap((r) => r.route.methods);
    findings.push({
      kind: 'unknown_route',
      severity: 'problem',
      file: call.file,
      line: call.line,
      message:
        samePath.length > 0
          ? `${call.via} calls ${shown}, but the backend serves that path only for ${[...new Set(samePath)].join(', ')}`
          : `${call.via} calls ${shown}, which no route of the backend serves`,
    });
  }
  return { endpoints, findings };
}
