/**
 * One Flask route of the simulated backend per planned endpoint: the example bodies as module
 * constants, the records its path names looked up (404 when missing), then what its handler kind
 * does, through the helpers of flask-runtime.ts.
 */
import type { Handler, PlannedEndpoint, Store } from './api-plan';
import { pythonLiteral, pythonName } from './python-literal';

const py = pythonLiteral;

/** The endpoint's path with its parameters written as Flask writes them (`{id}`, `:id` -> `<id>`). */
export function flaskPath(path: string): string {
  return path.replace(/\{(\w+)\}|(?<=\/):(\w+)/g, (_m, a?: string, b?: string) => `<${a ?? b}>`);
}

/** Names of a function's locals, kept apart from its parameters and from each other. */
class LocalNames {
  private readonly taken: Set<string>;

  constructor(params: readonly string[]) {
    this.taken = new Set([...params, 'data', 'uploads', 'user', 'token', 'removed', 'location']);
  }

  take(base: string): string {
    let name = pythonName(base);
    if (this.taken.has(name)) name = `${name}_record`;
    for (let n = 2; this.taken.has(name); n += 1) name = `${pythonName(base)}_${n}`;
    this.taken.add(name);
    return name;
  }
}

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

/** The lines of the route (decorator, function, body), with its example constants before it. */
export function flaskRoute(
  planned: PlannedEndpoint,
  name: string,
  stores: ReadonlyMap<string, Store>,
): string[] {
  const { endpoint, handler, lookups } = planned;
  const route = flaskPath(endpoint.path);
  const params = [...route.matchAll(/<(?:\w+:)?(\w+)>/g)].map((match) => match[1]!);
  const upper = name.toUpperCase();
  const constants: string[] = [];
  const example = endpoint.response === null ? 'None' : `${upper}_EXAMPLE`;
  const fields = endpoint.request === null ? 'None' : `${upper}_FIELDS`;
  if (endpoint.request !== null) constants.push(`${fields} = ${py(endpoint.request)}`);
  if (endpoint.response !== null) constants.push(`${example} = ${py(endpoint.response)}`);

  const names = new LocalNames(params);
  const body: string[] = [];
  let target: string | undefined;
  for (const lookup of lookups) {
    const store = stores.get(lookup.store);
    const variable = names.take(singular(store?.name ?? 'record'));
    const owner = target !== undefined && store?.parent !== undefined ? `, ${target}` : '';
    body.push(
      `${variable} = find_record(${py(lookup.store)}, ${py(lookup.field)}, ${pythonName(lookup.param)}${owner})`,
    );
    target = variable;
  }
  if (planned.auth) body.push('user = current_record()');
  body.push(...handlerLines(handler, { example, fields, target, names, auth: planned.auth, stores }));

  return [
    ...constants,
    ...(constants.length > 0 ? [''] : []),
    '',
    `@app.route(${py(route).replace(/^"|"$/g, "'")}, methods=['${endpoint.method.toUpperCase()}'])`,
    `def ${name}(${params.map(pythonName).join(', ')}):`,
    '    with _lock:',
    ...body.map((line) => `        ${line}`),
  ];
}

interface HandlerContext {
  example: string;
  fields: string;
  /** The last record the path names, if any. */
  target: string | undefined;
  names: LocalNames;
  auth: boolean;
  stores: ReadonlyMap<string, Store>;
}

function readBody(fields: string, partial = false): string {
  if (fields === 'None') return 'data = json_body(None, optional=True)';
  return partial ? `data = json_body(${fields}, partial=True)` : `data = json_body(${fields})`;
}

function handlerLines(handler: Handler, context: HandlerContext): string[] {
  const { example, fields, target, names } = context;
  const subject = target ?? 'None';
  switch (handler.kind) {
    case 'create': {
      const store = context.stores.get(handler.store);
      const created = names.take(singular(store?.name ?? 'record'));
      const recordExample = handler.recordKey ? `${example}[${py(handler.recordKey)}]` : example;
      const owner = target !== undefined && store?.parent !== undefined ? `, parent=${target}` : '';
      const keys = handler.codeKeys.length > 0 ? `, keys=(${handler.codeKeys.map(py).join(', ')},)` : '';
      const links = Object.entries(handler.links).map(
        ([key, link]) => `${py(key)}: (${py(link.path)}, ${py(link.field)})`,
      );
      const extras = Object.entries(handler.extras).map(
        ([key, from]) => `${py(key)}: ${from === 'created' ? created : subject}`,
      );
      return [
        handler.multipart ? `data, uploads = form_body(${fields})` : readBody(fields),
        `${created} = create_record(${py(handler.store)}, data, ${recordExample}${owner}${keys})`,
        ...(handler.multipart ? [`attach_files(${created}, uploads, ${recordExample})`] : []),
        ...(links.length > 0 ? [`link_fields(${created}, {${links.join(', ')}})`] : []),
        extras.length > 0
          ? `return jsonify(shape(${example}, ${created}, {${extras.join(', ')}})), 201`
          : `return jsonify(shape(${example}, ${created})), 201`,
      ];
    }
    case 'upsert': {
      const owner = target !== undefined ? `, ${target}` : '';
      return [
        readBody(fields),
        `upsert_record(${py(handler.store)}, data, item_of(${example})${owner})`,
        `return jsonify(listing(${example}, records(${py(handler.store)}${owner})))`,
      ];
    }
    case 'list': {
      if (!handler.store) return [`return jsonify(listing(${example}, []))`];
      const store = context.stores.get(handler.store);
      const owner = target !== undefined && store?.parent !== undefined ? `, ${target}` : '';
      return [`return jsonify(listing(${example}, records(${py(handler.store)}${owner})))`];
    }
    case 'read':
      return [`return jsonify(shape(${example}, ${subject}))`];
    case 'update':
      return [
        readBody(fields, handler.partial),
        `apply_changes(${subject}, data)`,
        `touch(${subject}, ${example})`,
        `return jsonify(shape(${example}, ${subject}))`,
      ];
    case 'delete':
      return [
        `delete_record(${py(handler.store)}, ${subject}, (${handler.children.map((child) => `${py(child)}, `).join('')}))`,
        example === 'None' ? "return '', 204" : `return jsonify(shape(${example}, ${subject}))`,
      ];
    case 'delete-flagged':
    case 'delete-all':
      return [
        `removed = ${handler.kind === 'delete-all' ? 'delete_all' : 'delete_flagged'}(${py(handler.store)})`,
        `return jsonify(shape(${example}, counts(${example}, len(removed))))`,
      ];
    case 'redirect':
      return [
        ...(handler.counter ? [`bump(${subject}, ${py(handler.counter)})`] : []),
        `location = link_target(${subject})`,
        'if location:',
        '    return redirect(location, 302)',
        `return jsonify(shape(${example}, ${subject}))`,
      ];
    case 'file':
      return [`return send_stored_file(${subject})`];
    case 'stream':
      return [`return event_stream(${py(handler.store ?? null)}, ${subject}, ${example})`];
    case 'view':
      return [`return jsonify(shape(${example}, ${target ?? '{}'}))`];
    case 'subject':
      return handler.update
        ? [
            readBody(fields, true),
            'apply_changes(user, data)',
            `touch(user, ${example})`,
            `return jsonify(shape(${example}, user))`,
          ]
        : [`return jsonify(shape(${example}, user))`];
    case 'login': {
      const extras = handler.extras.map((key) => `${py(key)}: user`).join(', ');
      return [
        readBody(fields),
        'user = authenticate(data)',
        'token = issue_token(user)',
        `return jsonify(shape(${example}, {**user, ${py(handler.tokenKey)}: token}${extras ? `, {${extras}}` : ''}))`,
      ];
    }
    case 'logout':
      return ['end_session()', `return jsonify(shape(${example}, {}))`];
    case 'action':
      return context.auth
        ? [
            readBody(fields),
            'apply_changes(user, data)',
            `return jsonify(shape(${example}, {**user, **data}))`,
          ]
        : fields === 'None'
          ? [`return jsonify(shape(${example}, ${target ?? '{}'}))`]
          : [readBody(fields), `return jsonify(shape(${example}, data))`];
  }
}
