import { strict as assert } from 'node:assert';
import { checkContract } from '../../../daemon/checks/contract-check';
import { UNKNOWN } from '../../../daemon/checks/frontend-calls';

const ENDPOINTS = [
  { method: 'GET', path: '/api/todos' },
  { method: 'POST', path: '/api/todos' },
  { method: 'PATCH', path: '/api/todos/<id>' },
  { method: 'DELETE', path: '/api/todos/completed' },
];

describe('checkContract', () => {
  it('says which endpoints of the template the backend declares, and by which route', () => {
    const result = checkContract({
      endpoints: ENDPOINTS,
      routes: [
        { path: '/api/todos', methods: ['GET', 'POST'] },
        { path: '/api/todos/<int:todo_id>', methods: ['GET', 'PATCH', 'DELETE'] },
      ],
      calls: [],
    });
    assert.deepEqual(result.endpoints, [
      { method: 'GET', path: '/api/todos', implemented: true, route: '/api/todos' },
      { method: 'POST', path: '/api/todos', implemented: true, route: '/api/todos' },
      { method: 'PATCH', path: '/api/todos/<id>', implemented: true, route: '/api/todos/<int:todo_id>' },
      { method: 'DELETE', path: '/api/todos/completed', implemented: false },
    ]);
    assert.deepEqual(result.findings, []);
  });

  it('reports each frontend call no route serves, and the methods of a path served for others', () => {
    const result = checkContract({
      endpoints: [],
      routes: [
        { path: '/api/todos', methods: ['GET'] },
        { path: '/api/todos/<int:id>', methods: ['DELETE'] },
      ],
      calls: [
        { file: 'frontend/src/api.js', line: 3, method: 'GET', path: '/api/todos', via: 'fetch' },
        {
          file: 'frontend/src/api.js',
          line: 4,
          method: 'DELETE',
          path: `/api/todos/${UNKNOWN}`,
          via: 'axios.delete',
        },
        { file: 'frontend/src/api.js', line: 5, method: 'POST', path: '/api/todos', via: 'axios.post' },
        { file: 'frontend/src/api.js', line: 6, method: 'GET', path: '/api/todos/stats', via: 'fetch' },
        { file: 'frontend/src/api.js', line: 7, path: '/api/tags', via: 'fetch' },
      ],
    });
    assert.deepEqual(
      result.findings.map((f) => `${f.kind} ${f.file}:${f.line} ${f.message}`),
      [
        'unknown_route frontend/src/api.js:5 axios.post calls POST /api/todos, but the backend serves that path only for GET',
        'unknown_route frontend/src/api.js:6 fetch calls GET /api/todos/stats, which no route of the backend serves',
        'unknown_route frontend/src/api.js:7 fetch calls a request to /api/tags, which no route of the backend serves',
      ],
    );
  });
});
