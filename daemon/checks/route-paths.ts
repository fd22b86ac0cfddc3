/**
 * URL paths as segments, so that a template's endpoint, a Flask rule and a URL the frontend calls
 * can be compared whatever style names their parameters: `<id>`, `<int:id>`, `:id`, `{id}`, or a
 * `${...}` the frontend fills in. Trailing slashes, query strings and fragments do not count.
 */

export type PathSegment =
  | { kind: 'literal'; value: string }
  /**
   * One segment: a parameter (of a Flask converter, which limits its values), or a part of a
   * called URL not known before it runs.
   */
  | { kind: 'param'; converter?: string }
  /** Flask's `<path:x>`: one segment or more. */
  | { kind: 'rest' };

const FLASK_PARAM = /^<(?:(\w+)(?:\([^)]*\))?:)?\w+>$/;
const OTHER_PARAM = /^(?::\w+|\{\w+\})$/;

/** The segments of a path; `unknown` marks characters that stand for something unknown (a wildcard). */
export function pathSegments(path: string, unknown?: string): PathSegment[] {
  const bare = path.replace(/[?#].*$/s, '');
  return bare
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment): PathSegment => {
      const flask = FLASK_PARAM.exec(segment);
      if (flask) {
        if (flask[1] === 'path') return { kind: 'rest' };
        return flask[1] ? { kind: 'param', converter: flask[1] } : { kind: 'param' };
      }
      if (OTHER_PARAM.test(segment) || segment.includes('<')) return { kind: 'param' };
      if (unknown !== undefined && segment.includes(unknown)) return { kind: 'param' };
      return { kind: 'literal', value: segment };
    });
}

/**
 * Whether a route implements an endpoint of the template: the same literal segments, a parameter
 * where the template has one. A parameter does not stand for a literal: a template's
 * `/api/todos/completed` is not implemented by `/api/todos/<int:id>`.
 */
export function routeImplements(route: PathSegment[], endpoint: PathSegment[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const r = route[i]!;
    const e = endpoint[i];
    if (e === undefined) return false;
    if (r.kind === 'rest') return true;
    if (r.kind === 'param' ? e.kind === 'literal' : e.kind !== 'literal' || e.value !== r.value) return false;
  }
  return route.length === endpoint.length;
}

/** Whether a call of a URL reaches a route, as Flask would route it (a parameter takes any value). */
export function routeServes(route: PathSegment[], call: PathSegment[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const r = route[i]!;
    const c = call[i];
    if (c === undefined) return false;
    if (r.kind === 'rest') return true;
    if (c.kind !== 'literal') continue;
    if (r.kind === 'literal' ? c.value !== r.value : !converterTakes(r.converter, c.value)) return false;
  }
  return route.length === call.length;
}

/** Whether Flask's converter takes a segment's value (the ones it ships; others take anything). */
function converterTakes(converter: string | undefined, value: string): boolean {
  if (converter === 'int') return /^\d+$/.test(value);
  if (converter === 'float') return /^\d+\.\d+$/.test(value);
  if (converter === 'uuid') return /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(value);
  return true;
}

/** Whether a route declared for `methods` answers `method` (undefined: any). */
export function methodServed(methods: readonly string[], method: string | undefined): boolean {
  if (method === undefined || method === 'OPTIONS') return true; // Flask answers OPTIONS itself
  if (method === 'HEAD') return methods.includes('GET') || methods.includes('HEAD');
  return methods.includes(method);
}
