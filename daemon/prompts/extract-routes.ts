import { type PythonToken, tokenizePython } from './tokenize-python';

/** An HTTP route a Flask backend serves. */
export interface Route {
  /** Upper case, in the order GET, POST, PUT, PATCH, DELETE, then others. */
  methods: string[];
  path: string;
}

const SHORTCUTS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What a call argument is known to be. */
type ArgValue =
  | { kind: 'string'; value: string }
  | { kind: 'strings'; values: string[] }
  | { kind: 'ref'; name: string }
  | { kind: 'unknown' };

interface CallArgs {
  positional: ArgValue[];
  keywords: Map<string, ArgValue>;
}

interface RawRoute {
  owner: string;
  rule: string;
  methods: string[];
}

/**
 * Reads the routes a Flask app declares: `@app.route(rule, methods=[...])`, `@app.get(rule)` and
 * the other method shortcuts, `app.add_url_rule(rule, ..., methods=[...])`, on the app or on
 * blueprints, with the blueprint's `url_prefix` (from `Blueprint(...)`, overridden by
 * `register_blueprint(bp, url_prefix=...)`) applied. Routes with the same path are merged.
 * Pure and linear in the size of the code; for a backend of several files, pass them joined.
 * Rules that are not literal strings are skipped.
 */
export function extractRoutes(pythonCode: string): Route[] {
  const tokens = tokenizePython(pythonCode);
  const closing = matchBrackets(tokens);
  const raw: RawRoute[] = [];
  const blueprintPrefix = new Map<string, string>();
  const registeredPrefix = new Map<string, string>();

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    // @owner.method(
    if (
      token.value === '@' &&
      token.kind === 'op' &&
      token.lineStart &&
      isName(tokens[i + 1]) &&
      isOp(tokens[i + 2], '.') &&
      isName(tokens[i + 3]) &&
      isOp(tokens[i + 4], '(')
    ) {
      const method = tokens[i + 3]!.value;
      const end = closing.get(i + 4);
      if (end !== undefined && (method === 'route' || method in SHORTCUTS)) {
        const args = readArgs(tokens, i + 4, end);
        const rule = stringOf(args.positional[0] ?? args.keywords.get('rule'));
        if (rule !== undefined) {
          const methods = method === 'route' ? methodsOf(args.keywords.get('methods')) : [SHORTCUTS[method]!];
          raw.push({ owner: tokens[i + 1]!.value, rule, methods });
        }
        i = end + 1;
        continue;
      }
    }
    // owner.add_url_rule( / owner.register_blueprint(
    if (
      token.kind === 'name' &&
      isOp(tokens[i + 1], '.') &&
      isName(tokens[i + 2]) &&
      isOp(tokens[i + 3], '(') &&
      !isOp(tokens[i - 1], '.')
    ) {
      const method = tokens[i + 2]!.value;
      const end = closing.get(i + 3);
      if (end !== undefined && (method === 'add_url_rule' || method === 'register_blueprint')) {
        const args = readArgs(tokens, i + 3, end);
        if (method === 'add_url_rule') {
          const rule = stringOf(args.positional[0] ?? args.keywords.get('rule'));
          if (rule !== undefined)
            raw.push({ owner: token.value, rule, methods: methodsOf(args.keywords.get('methods')) });
        } else {
          const blueprint = args.positional[0] ?? args.keywords.get('blueprint');
          const prefix = stringOf(args.keywords.get('url_prefix'));
          if (blueprint?.kind === 'ref' && prefix !== undefined) registeredPrefix.set(blueprint.name, prefix);
        }
        i = end + 1;
        continue;
      }
    }
    // name = Blueprint( / name = flask.Blueprint(
    if (token.kind === 'name' && token.lineStart && isOp(tokens[i + 1], '=')) {
      let j = i + 2;
      if (isName(tokens[j]) && isOp(tokens[j + 1], '.')) j += 2;
      const end = closing.get(j + 1);
      if (isName(tokens[j], 'Blueprint') && isOp(tokens[j + 1], '(') && end !== undefined) {
        const prefix = stringOf(readArgs(tokens, j + 1, end).keywords.get('url_prefix'));
        if (prefix !== undefined) blueprintPrefix.set(token.value, prefix);
        i = end + 1;
        continue;
      }
    }
    i++;
  }

  return mergeByPath(
    raw.map(({ owner, rule, methods }) => {
      const prefix = registeredPrefix.get(owner) ?? blueprintPrefix.get(owner);
      return { methods, path: prefix === undefined ? rule : joinPrefix(prefix, rule) };
    }),
  );
}

/** Index of each opening bracket -> index of its closing one; unbalanced brackets get no entry. */
function matchBrackets(tokens: PythonToken[]): Map<number, number> {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: number[] = [];
  const closing = new Map<number, number>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'op') return;
    if (token.value === '(' || token.value === '[' || token.value === '{') {
      stack.push(index);
    } else if (token.value in pairs) {
      const top = stack.at(-1);
      if (top !== undefined && tokens[top]!.value === pairs[token.value]) {
        stack.pop();
        closing.set(top, index);
      }
    }
  });
  return closing;
}

/** The arguments of the call whose brackets are at `open` and `close`. */
function readArgs(tokens: PythonToken[], open: number, close: number): CallArgs {
  const args: CallArgs = { positional: [], keywords: new Map() };
  let start = open + 1;
  let depth = 0;
  for (let k = open + 1; k <= close; k++) {
    const token = tokens[k]!;
    if (token.kind === 'op' && (token.value === '(' || token.value === '[' || token.value === '{')) depth++;
    else if (token.kind === 'op' && (token.value === ')' || token.value === ']' || token.value === '}'))
      depth--;
    if (k === close || (depth === 0 && isOp(token, ','))) {
      addArg(args, tokens.slice(start, k));
      start = k + 1;
    }
  }
  return args;
}

function addArg(args: CallArgs, arg: PythonToken[]): void {
  if (arg.length === 0) return;
  if (arg.length >= 2 && arg[0]!.kind === 'name' && isOp(arg[1], '=')) {
    args.keywords.set(arg[0]!.value, argValue(arg.slice(2)));
  } else {
    args.positional.push(argValue(arg));
  }
}

function argValue(tokens: PythonToken[]): ArgValue {
  if (tokens.length > 0 && tokens.every((t) => t.kind === 'string')) {
    // Adjacent literals concatenate, as in Python.
    return { kind: 'string', value: tokens.map((t) => t.value).join('') };
  }
  const first = tokens[0];
  const last = tokens.at(-1);
  if (first?.kind === 'op' && last?.kind === 'op' && ['[', '(', '{'].includes(first.value)) {
    const inner = tokens.slice(1, -1);
    const values = inner.filter((_, k) => k % 2 === 0);
    const separators = inner.filter((_, k) => k % 2 === 1);
    if (values.every((t) => t.kind === 'string') && separators.every((t) => isOp(t, ','))) {
      return { kind: 'strings', values: values.map((t) => t.value) };
    }
    return { kind: 'unknown' };
  }
  // `bp` or `routes.todos.bp`: a reference, named by its last part.
  if (tokens.length % 2 === 1 && tokens.every((t, k) => (k % 2 === 0 ? t.kind === 'name' : isOp(t, '.')))) {
    return { kind: 'ref', name: last!.value };
  }
  return { kind: 'unknown' };
}

function stringOf(value: ArgValue | undefined): string | undefined {
  return value?.kind === 'string' ? value.value : undefined;
}

function methodsOf(value: ArgValue | undefined): string[] {
  if (value?.kind === 'strings' && value.values.length > 0) return value.values.map((m) => m.toUpperCase());
  if (value?.kind === 'string') return [value.value.toUpperCase()];
  // Flask's default; also the best guess when the list is not written out literally.
  return ['GET'];
}

/** Flask's own rule for a blueprint prefix: exactly one '/' between prefix and rule. */
function joinPrefix(prefix: string, rule: string): string {
  if (rule === '') return prefix;
  return `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

/** Routes with the same path as one, their methods in the order GET, POST, PUT, PATCH, DELETE, others. */
export function mergeByPath(routes: Route[]): Route[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Set<string>();
    for (const method of route.methods) methods.add(method);
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({ path, methods: [...methods].sort(byMethodOrder) }));
}

function byMethodOrder(a: string, b: string): number {
  const rank = (m: string) => {
    const index = METHOD_ORDER.indexOf(m);
    return index === -1 ? METHOD_ORDER.length : index;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function isName(token: PythonToken | undefined, value?: string): boolean {
  return token?.kind === 'name' && (value === undefined || token.value === value);
}

function isOp(token: PythonToken | undefined, value: string): boolean {
  return token?.kind === 'op' && token.value === value;
}
