import assert from 'node:assert/strict';
import {
  fillPath,
  isFileEndpoint,
  isStream,
  pathParams,
  probeOrder,
  queryParamNames,
} from '../../../../daemon/checks/smoke/endpoint-plan';
import { builtinTemplates } from '../../../../daemon/templates/builtin-templates';
import type { Template, TemplateEndpoint } from '../../../../daemon/templates/template';

function endpoint(method: string, path: string, description = ''): TemplateEndpoint {
  return { method, path, description, request: null, response: null };
}

describe('smoke endpoint plan', () => {
  it('reads Flask, Express and OpenAPI path parameters with their collection', () => {
    assert.deepEqual(pathParams('/api/todos/<int:id>'), [
      { name: 'id', converter: 'int', token: '<int:id>', collection: '/api/todos' },
    ]);
    assert.deepEqual(
      pathParams('/api/groups/:id/expenses/{expense_id}').map((p) => [p.name, p.token, p.collection]),
      [
        ['id', ':id', '/api/groups'],
        ['expense_id', '{expense_id}', '/api/groups/:id/expenses'],
      ],
    );
    assert.deepEqual(pathParams('/api/health'), []);
  });

  it('fills parameters URL-encoded, or as they are when asked', () => {
    assert.equal(
      fillPath('/api/notes/<id>', () => "1' OR '1'='1"),
      "/api/notes/1'%20OR%20'1'%3D'1",
    );
    assert.equal(
      fillPath('/api/files/<path:name>', () => '../etc/passwd', true),
      '/api/files/../etc/passwd',
    );
  });

  it('creates before it reads, changes, deletes and logs out', () => {
    const order = probeOrder([
      endpoint('DELETE', '/api/todos/<id>'),
      endpoint('GET', '/api/todos/<id>'),
      endpoint('POST', '/api/auth/logout'),
      endpoint('PATCH', '/api/todos/<id>'),
      endpoint('GET', '/api/todos'),
      endpoint('POST', '/api/todos/<id>/move'),
      endpoint('POST', '/api/todos'),
      endpoint('DELETE', '/api/todos/completed'),
    ]).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(order, [
      'POST /api/todos',
      'GET /api/todos',
      'GET /api/todos/<id>',
      'PATCH /api/todos/<id>',
      'POST /api/todos/<id>/move',
      'DELETE /api/todos/<id>',
      'DELETE /api/todos/completed',
      'POST /api/auth/logout',
    ]);
  });

  it('takes query parameter names from the description, with q and search', () => {
    const names = queryParamNames(
      endpoint('GET', '/api/todos', 'List todos; query parameters status=all|active|done and q=search text'),
    );
    assert.deepEqual(names.slice(0, 2), ['status', 'q']);
    assert.ok(names.includes('search'));
    assert.deepEqual(queryParamNames(endpoint('GET', '/api/rooms', 'List rooms')), ['q', 'search']);
  });

  it('knows the built-in file and stream endpoints', () => {
    const all = builtinTemplates.flatMap((file) => (file.data as Template).api_endpoints.map((e) => ({ e })));
    const files = all.filter(({ e }) => e.method === 'GET' && isFileEndpoint(e)).map(({ e }) => e.path);
    assert.deepEqual(files, ['/api/images/<id>/file']);
    assert.deepEqual(
      all.filter(({ e }) => isStream(e)).map(({ e }) => e.path),
      ['/api/rooms/<id>/stream'],
    );
  });
});
