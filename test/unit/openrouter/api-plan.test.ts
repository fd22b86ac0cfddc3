import { strict as assert } from 'node:assert';
import { type ApiPlan, planApi } from '../../../daemon/simulator/api-plan';
import type { ApiEndpoint } from '../../../daemon/simulator/api-spec';

function endpoint(
  method: string,
  path: string,
  response: unknown = null,
  request: unknown = null,
  description = '',
): ApiEndpoint {
  return { method, path, description, request, response };
}

/** `METHOD path: kind` for every endpoint, with the store a handler works on. */
function kinds(plan: ApiPlan): string[] {
  return plan.endpoints.map(({ endpoint: { method, path }, handler }) => {
    const store = 'store' in handler && handler.store ? ` ${handler.store}` : '';
    return `${method} ${path}: ${handler.kind}${store}`;
  });
}

const note = { id: 5, title: 'Meeting', tags: ['work'], created_at: '2025-02-18T14:00:00Z' };

describe('how the simulated backend serves a specified API', () => {
  it('keeps records where they are created, and reads, updates and deletes them by id', () => {
    const plan = planApi([
      endpoint('GET', '/api/notes', { items: [note], total: 1 }),
      endpoint('POST', '/api/notes', note, { title: 'Meeting', tags: ['work'] }),
      endpoint('GET', '/api/notes/<id>', note),
      endpoint('PUT', '/api/notes/<id>', note, { title: 'Meeting' }),
      endpoint('PATCH', '/api/notes/<id>', note, { title: 'Meeting' }),
      endpoint('DELETE', '/api/notes/<id>', { deleted: true, id: 5 }),
      endpoint('DELETE', '/api/notes/archived', { deleted: 3 }),
    ]);
    assert.deepEqual(kinds(plan), [
      'GET /api/notes: list /api/notes',
      'POST /api/notes: create /api/notes',
      'GET /api/notes/<id>: read',
      'PUT /api/notes/<id>: update',
      'PATCH /api/notes/<id>: update',
      'DELETE /api/notes/<id>: delete /api/notes',
      'DELETE /api/notes/archived: delete-flagged /api/notes',
    ]);
    assert.deepEqual(
      plan.endpoints.map((planned) => ('partial' in planned.handler ? planned.handler.partial : '-')),
      ['-', '-', '-', false, true, '-', '-'],
    );
    assert.deepEqual(plan.endpoints[2]!.lookups, [{ store: '/api/notes', param: 'id', field: 'id' }]);
    assert.deepEqual([...plan.stores[0]!.fields].sort(), ['created_at', 'id', 'tags', 'title']);
    assert.deepEqual(plan.stores[0]!.seeds, [], 'an API that creates notes starts with none');
  });

  it('creates under a record a new record, unless the answer is the record itself', () => {
    const card = { id: 4, title: 'Tests', column_id: 1, position: 0 };
    const plan = planApi([
      endpoint('POST', '/api/groups', { id: 1, name: 'Ski trip' }, { name: 'Ski trip' }),
      endpoint('GET', '/api/groups/<id>/expenses', { items: [{ id: 9, amount_cents: 300 }], total: 1 }),
      endpoint(
        'POST',
        '/api/groups/<id>/expenses',
        { id: 9, amount_cents: 300, group_id: 1 },
        { amount_cents: 300 },
      ),
      endpoint(
        'POST',
        '/api/products/<id>/movements',
        { movement: { id: 58, quantity: 2 }, product: { id: 3, quantity: 2 } },
        { quantity: 2 },
      ),
      endpoint('GET', '/api/products/<id>', { id: 3, quantity: 2 }),
      endpoint('POST', '/api/cards', card, { title: 'Tests', column_id: 1 }),
      endpoint('POST', '/api/cards/<id>/move', card, { column_id: 2, index: 0 }),
      endpoint('POST', '/api/cards/<id>/validate', { valid: false, errors: [] }, { strict: true }),
    ]);
    assert.deepEqual(kinds(plan), [
      'POST /api/groups: create /api/groups',
      'GET /api/groups/<id>/expenses: list /api/groups/<>/expenses',
      'POST /api/groups/<id>/expenses: create /api/groups/<>/expenses',
      'POST /api/products/<id>/movements: create /api/products/<>/movements',
      'GET /api/products/<id>: read',
      'POST /api/cards: create /api/cards',
      'POST /api/cards/<id>/move: update',
      'POST /api/cards/<id>/validate: action',
    ]);
    const movement = plan.endpoints[3]!.handler;
    assert.ok(movement.kind === 'create');
    assert.equal(movement.recordKey, 'movement');
    assert.deepEqual(movement.extras, { movement: 'created', product: 'owner' });
    assert.equal(plan.stores.find((store) => store.key === '/api/groups/<>/expenses')?.parent, '/api/groups');
  });

  it('seeds what no endpoint creates from its examples, merged by id, and lists under a collection list it', () => {
    const plan = planApi([
      endpoint('GET', '/api/quizzes', { items: [{ id: 1, title: 'Capitals', question_count: 8 }], total: 1 }),
      endpoint('GET', '/api/quizzes/<id>', { id: 1, title: 'Capitals', questions: [{ id: 11 }] }),
      endpoint('GET', '/api/quizzes/available', { items: [{ id: 2, title: 'Rivers' }], total: 1 }),
      endpoint(
        'POST',
        '/api/quizzes/<id>/attempts',
        { id: 301, player: 'ada', score: 7, max_score: 8 },
        { player: 'ada' },
      ),
      endpoint('GET', '/api/quizzes/<id>/leaderboard', {
        items: [{ rank: 1, player: 'ada', score: 7, max_score: 8 }],
        total: 1,
      }),
      endpoint('GET', '/api/tags', { items: [{ tag: 'work', count: 4 }], total: 1 }),
    ]);
    assert.deepEqual(kinds(plan), [
      'GET /api/quizzes: list /api/quizzes',
      'GET /api/quizzes/<id>: read',
      'GET /api/quizzes/available: list /api/quizzes',
      'POST /api/quizzes/<id>/attempts: create /api/quizzes/<>/attempts',
      'GET /api/quizzes/<id>/leaderboard: list /api/quizzes/<>/attempts',
      'GET /api/tags: list',
    ]);
    assert.deepEqual(plan.stores.find((store) => store.key === '/api/quizzes')?.seeds, [
      { id: 1, title: 'Capitals', question_count: 8, questions: [{ id: 11 }] },
    ]);
  });

  it('logs in with a token, serves the caller behind it, and logs out', () => {
    const user = { id: 1, email: 'ada@example.com', display_name: 'Ada' };
    const plan = planApi([
      endpoint('POST', '/api/auth/register', user, { email: 'ada@example.com', password: 'x' }),
      endpoint('POST', '/api/auth/login', { token: 't', user }, { email: 'ada@example.com', password: 'x' }),
      endpoint('POST', '/api/auth/logout', { logged_out: true }),
      endpoint('GET', '/api/me', user),
      endpoint('PATCH', '/api/me', user, { display_name: 'Ada L.' }),
      endpoint('POST', '/api/me/password', { changed: true }, { current_password: 'x', new_password: 'y' }),
    ]);
    assert.deepEqual(
      plan.endpoints.map(
        ({ endpoint: e, handler, auth }) => `${e.method} ${e.path}: ${handler.kind}${auth ? ' (token)' : ''}`,
      ),
      [
        'POST /api/auth/register: create',
        'POST /api/auth/login: login',
        'POST /api/auth/logout: logout (token)',
        'GET /api/me: subject (token)',
        'PATCH /api/me: subject (token)',
        'POST /api/me/password: action (token)',
      ],
    );
    assert.deepEqual(plan.endpoints[1]!.handler, { kind: 'login', tokenKey: 'token', extras: ['user'] });
  });

  it("finds a record by another collection's key, counts what a redirect says it counts, and links paths", () => {
    const link = { code: 'docs', url: 'https://example.com', short_url: '/api/r/docs', clicks: 0 };
    const plan = planApi([
      endpoint('POST', '/api/links', link, { url: 'https://example.com' }),
      endpoint('GET', '/api/links/<code>', link),
      endpoint(
        'GET',
        '/api/r/<code>',
        { redirect: 'https://example.com' },
        null,
        'Redirect to the URL and count the click',
      ),
    ]);
    assert.deepEqual(plan.endpoints[2]!.handler, { kind: 'redirect', counter: 'clicks' });
    assert.deepEqual(plan.endpoints[2]!.lookups, [{ store: '/api/links', param: 'code', field: 'code' }]);
    const create = plan.endpoints[0]!.handler;
    assert.ok(create.kind === 'create');
    assert.deepEqual(create.codeKeys, ['code']);
    assert.deepEqual(create.links, { short_url: { path: '/api/r/<>', field: 'code' } });
  });

  it('streams the records of the collection its events show, and serves files where the example is bytes', () => {
    const message = { id: 42, room_id: 1, text: 'hello' };
    const plan = planApi([
      endpoint('POST', '/api/rooms', { id: 1, name: 'general' }, { name: 'general' }),
      endpoint('POST', '/api/rooms/<id>/messages', message, { text: 'hello' }),
      endpoint(
        'GET',
        '/api/rooms/<id>/stream',
        { event: 'message', data: message },
        null,
        'Server-Sent Events',
      ),
      endpoint(
        'POST',
        '/api/images',
        { id: 7, url: '/api/images/7/file' },
        { file: '<binary image>' },
        'Upload (multipart/form-data)',
      ),
      endpoint('GET', '/api/images/<id>/file', { body: '<binary image>' }),
      endpoint('DELETE', '/api/images/<id>', null),
    ]);
    assert.deepEqual(kinds(plan), [
      'POST /api/rooms: create /api/rooms',
      'POST /api/rooms/<id>/messages: create /api/rooms/<>/messages',
      'GET /api/rooms/<id>/stream: stream /api/rooms/<>/messages',
      'POST /api/images: create /api/images',
      'GET /api/images/<id>/file: file',
      'DELETE /api/images/<id>: delete /api/images',
    ]);
    const upload = plan.endpoints[3]!.handler;
    assert.ok(upload.kind === 'create' && upload.multipart);
    assert.deepEqual(upload.links, { url: { path: '/api/images/<>/file', field: 'id' } });
    const rooms = plan.endpoints.find((e) => e.endpoint.path === '/api/rooms')!.handler;
    assert.ok(rooms.kind === 'create' && !rooms.multipart);
  });
});
