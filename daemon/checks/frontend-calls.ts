/**
 * The backend URLs a React frontend calls: `fetch(url, {method})`, `axios(url | {url, method})`,
 * `axios.get(url)` and the other method shortcuts, and the same on an instance made with
 * `axios.create({baseURL})`. A URL is read from string literals, template literals and `+`, with
 * constants (`const API = '/api'`) filled in; what is known only at run time (`${id}`) stands for
 * one segment of any value, and an unknown base in front of `/api/...` (`${API_URL}/api/todos`) is
 * taken as the server's origin. Constants and instances are shared by the files of one frontend,
 * since they are usually declared in one and imported by the others; a name bound to two values is
 * left unknown. Only URLs whose path starts with `/api` count.
 */
import type { Node } from 'acorn';

/** Stands for a part of a URL that is known only when the code runs. */
export const UNKNOWN = '\u0000';

/** One call of a backend URL. */
export interface FrontendCall {
  /** App-relative file. */
  file: string;
  line: number;
  /** Upper case; undefined when the code chooses it at run time. */
  method?: string;
  /** The path called, with `UNKNOWN` for the parts known only at run time. */
  path: string;
  /** How the call reads: `fetch`, `axios.get`, `api.post`. */
  via: string;
}

/** A parsed frontend file. */
export interface ParsedFile {
  file: string;
  program: Node;
}

type AnyNode = Node & Record<string, unknown>;

const SHORTCUTS = new Set(['get', 'delete', 'head', 'options', 'post', 'put', 'patch']);
const FETCH_OWNERS = new Set(['window', 'globalThis', 'self']);
const API_PATH = /^\/api(?:[/?#]|$)/;
const MAX_DEPTH = 20;

/** Every call of an `/api` URL in the files, in file and source order. */
export function frontendCalls(files: readonly ParsedFile[]): FrontendCall[] {
  const names = new Bindings();
  for (const { program } of files) names.collect(program);
  const calls: FrontendCall[] = [];
  for (const { file, program } of files) {
    walk(program, (node) => {
      if (node.type !== 'CallExpression') return;
      const call = readCall(node, names);
      if (!call) return;
      const path = apiPath(call.url);
      if (path === undefined) return;
      calls.push({
        file,
        line: node.loc?.start.line ?? 0,
        ...(call.method ? { method: call.method } : {}),
        path,
        via: call.via,
      });
    });
  }
  return calls;
}

/** A URL to show people: the unknown parts as `${...}`. */
export function showPath(path: string): string {
  return path.split(UNKNOWN).join('$' + '{...}');
}

/** Names bound once in the frontend to a string (constants) or to an axios instance (its base URL). */
class Bindings {
  readonly strings = new Map<string, string>();
  readonly instances = new Map<string, string>();
  private readonly ambiguous = new Set<string>();

  collect(program: Node): void {
    walk(program, (node) => {
      if (node.type !== 'VariableDeclaration') return;
      const constant = node.kind === 'const';
      for (const declarator of node.declarations as AnyNode[]) {
        const id = declarator.id as AnyNode;
        const init = declarator.init as AnyNode | null;
        if (id.type !== 'Identifier' || !init) continue;
        const name = id.name as string;
        if (isAxiosCreate(init)) {
          const config = (init.arguments as AnyNode[])[0];
          const base = config ? property(config, 'baseURL') : undefined;
          this.bind(this.instances, name, base ? evaluate(base, this) : '');
        } else if (constant) {
          const value = evaluate(init, this);
          if (!value.includes(UNKNOWN)) this.bind(this.strings, name, value);
        }
      }
    });
  }

  private bind(map: Map<string, string>, name: string, value: string): void {
    if (this.ambiguous.has(name)) return;
    if (map.has(name) && map.get(name) !== value) {
      map.delete(name);
      this.ambiguous.add(name);
    } else {
      map.set(name, value);
    }
  }
}

interface RawCall {
  url: string;
  method?: string;
  via: string;
}

function readCall(node: AnyNode, names: Bindings): RawCall | undefined {
  const callee = node.callee as AnyNode;
  const args = node.arguments as AnyNode[];
  const first = args[0];
  if (!first || first.type === 'SpreadElement') return undefined;
  if (
    isName(callee, 'fetch') ||
    (isMember(callee) && FETCH_OWNERS.has(nameOf(callee.object)) && propName(callee) === 'fetch')
  ) {
    const options = args[1];
    return { url: evaluate(first, names), ...methodOf(options, 'GET'), via: 'fetch' };
  }
  const base = (name: string) => (name === 'axios' ? '' : names.instances.get(name));
  if (callee.type === 'Identifier') {
    const prefix = base(callee.name as string);
    if (prefix === undefined) return undefined;
    const via = callee.name as string;
    if (first.type === 'ObjectExpression') return fromConfig(first, prefix, names, via);
    return { url: prefix + evaluate(first, names), ...methodOf(args[1], 'GET'), via };
  }
  if (isMember(callee) && callee.object && (callee.object as AnyNode).type === 'Identifier') {
    const owner = (callee.object as AnyNode).name as string;
    const prefix = base(owner);
    const method = propName(callee);
    if (prefix === undefined || method === undefined) return undefined;
    const via = `${owner}.${method}`;
    if (method === 'request' && first.type === 'ObjectExpression')
      return fromConfig(first, prefix, names, via);
    if (!SHORTCUTS.has(method)) return undefined;
    return { url: prefix + evaluate(first, names), method: method.toUpperCase(), via };
  }
  return undefined;
}

/** `axios({url, method})`: the method defaults to GET, as axios does. */
function fromConfig(config: AnyNode, prefix: string, names: Bindings, via: string): RawCall | undefined {
  const url = property(config, 'url');
  if (!url) return undefined;
  return { url: prefix + evaluate(url, names), ...methodOf(config, 'GET', true), via };
}

/** The method an options object names; `fallback` when it names none, unknown when it is not literal. */
function methodOf(options: AnyNode | undefined, fallback: string, isConfig = false): { method?: string } {
  if (!options) return { method: fallback };
  if (options.type !== 'ObjectExpression') return {};
  const value = property(options, 'method');
  if (!value) return isConfig || !hasSpread(options) ? { method: fallback } : {};
  if (value.type === 'Literal' && typeof value.value === 'string')
    return { method: value.value.toUpperCase() };
  return {};
}

/** The path of a URL that reaches the backend's `/api`, or undefined. */
function apiPath(url: string): string | undefined {
  let path = url;
  // An unknown base before the path (`${API_URL}/api/...`) is the origin, which does not choose a route.
  const start = path.search(/[^\u0000]/);
  if (start > 0 && path.startsWith('/', start)) path = path.slice(start);
  path = path.replace(/^https?:\/\/[^/]*/i, '');
  return API_PATH.test(path) ? path : undefined;
}

/** A string expression's value, with `UNKNOWN` for what only the running code knows. */
function evaluate(node: AnyNode, names: Bindings, depth = 0): string {
  if (depth > MAX_DEPTH) return UNKNOWN;
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' ? node.value : UNKNOWN;
    case 'TemplateLiteral': {
      const quasis = node.quasis as AnyNode[];
      const expressions = node.expressions as AnyNode[];
      return quasis
        .map((quasi, i) => {
          const text = ((quasi.value as { cooked?: string | null }).cooked ?? UNKNOWN) as string;
          const expression = expressions[i];
          return expression ? text + evaluate(expression, names, depth + 1) : text;
        })
        .join('');
    }
    case 'BinaryExpression':
      return node.operator === '+'
        ? evaluate(node.left as AnyNode, names, depth + 1) + evaluate(node.right as AnyNode, names, depth + 1)
        : UNKNOWN;
    case 'LogicalExpression': {
      // `import.meta.env.VITE_API_URL || '/api'`: the fallback is what the app uses by default.
      if (node.operator === '&&') return UNKNOWN;
      const left = evaluate(node.left as AnyNode, names, depth + 1);
      if (!left.includes(UNKNOWN) && (node.operator === '??' || left !== '')) return left;
      return evaluate(node.right as AnyNode, names, depth + 1);
    }
    case 'Identifier':
      return names.strings.get(node.name as string) ?? UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function property(object: AnyNode, key: string): AnyNode | undefined {
  if (object.type !== 'ObjectExpression') return undefined;
  for (const prop of object.properties as AnyNode[]) {
    if (prop.type !== 'Property' || prop.computed) continue;
    const name = nameOf(prop.key) || ((prop.key as AnyNode).value as string);
    if (name === key) return prop.value as AnyNode;
  }
  return undefined;
}

function hasSpread(object: AnyNode): boolean {
  return (object.properties as AnyNode[]).some((prop) => prop.type === 'SpreadElement');
}

function isAxiosCreate(node: AnyNode): boolean {
  return (
    node.type === 'CallExpression' &&
    isMember(node.callee as AnyNode) &&
    nameOf((node.callee as AnyNode).object) === 'axios' &&
    propName(node.callee as AnyNode) === 'create'
  );
}

function isMember(node: AnyNode): boolean {
  return node.type === 'MemberExpression';
}

function propName(member: AnyNode): string | undefined {
  const prop = member.property as AnyNode;
  if (!member.computed && prop.type === 'Identifier') return prop.name as string;
  if (prop.type === 'Literal' && typeof prop.value === 'string') return prop.value;
  return undefined;
}

function isName(node: AnyNode, name: string): boolean {
  return node.type === 'Identifier' && node.name === name;
}

function nameOf(node: unknown): string {
  const n = node as AnyNode | undefined;
  return n?.type === 'Identifier' ? (n.name as string) : '';
}

/** Calls `visit` on every node of the tree, parents first; iterative, so deep JSX cannot overflow the stack. */
function walk(root: Node, visit: (node: AnyNode) => void): void {
  const stack: AnyNode[] = [root as AnyNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    for (const key in node) {
      if (key === 'loc' || key === 'type') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) if (isNode(value[i])) stack.push(value[i]);
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
}

function isNode(value: unknown): value is AnyNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}
