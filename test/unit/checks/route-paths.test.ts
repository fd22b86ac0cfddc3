import { strict as assert } from 'node:assert';
import { methodServed, pathSegments, routeImplements, routeServes } from '../../../daemon/checks/route-paths';

const segments = (path: string) => pathSegments(path, '\u0000');

describe('route paths', () => {
  it('reads every parameter style as a parameter, and <path:x> as the rest of the path', () => {
    assert.deepEqual(pathSegments('/api/todos/<id>/'), [
      { kind: 'literal', value: 'api' },
      { kind: 'literal', value: 'todos' },
      { kind: 'param' },
    ]);
    for (const style of ['<int:todo_id>', ':id', '{id}', '<string(length=3):code>']) {
      assert.equal(pathSegments(`/api/x/${style}`)[2]!.kind, 'param', style);
    }
    assert.deepEqual(pathSegments('/files/<path:rest>'), [
      { kind: 'literal', value: 'files' },
      { kind: 'rest' },
    ]);
    assert.deepEqual(pathSegments('/api/todos?done=1#top'), pathSegments('/api/todos'));
  });

  it('matches a template endpoint to routes whatever their parameter style', () => {
    const endpoint = pathSegments('/api/todos/<id>');
    assert.ok(routeImplements(pathSegments('/api/todos/<int:todo_id>'), endpoint));
    assert.ok(routeImplements(pathSegments('/api/todos/:id'), pathSegments('/api/todos/{id}')));
    assert.ok(routeImplements(pathSegments('/api/todos/'), pathSegments('/api/todos')));
    assert.ok(!routeImplements(pathSegments('/api/todos'), endpoint));
    assert.ok(!routeImplements(pathSegments('/api/todo/<id>'), endpoint));
  });

  it('does not take a parameter for a literal of the template, nor the other way round', () => {
    assert.ok(!routeImplements(pathSegments('/api/todos/<int:id>'), pathSegments('/api/todos/completed')));
    assert.ok(!routeImplements(pathSegments('/api/todos/completed'), pathSegments('/api/todos/<id>')));
  });

  it('serves a called URL as Flask routes it: converters limit what a parameter takes', () => {
    const route = pathSegments('/api/todos/<int:todo_id>');
    assert.ok(routeServes(route, segments('/api/todos/12')));
    assert.ok(routeServes(route, segments('/api/todos/\u0000')));
    assert.ok(!routeServes(route, segments('/api/todos/stats')));
    assert.ok(routeServes(pathSegments('/api/links/<code>'), segments('/api/links/abc')));
    assert.ok(routeServes(pathSegments('/api/<path:rest>'), segments('/api/a/b/c')));
    assert.ok(!routeServes(pathSegments('/api/todos'), segments('/api/todos/1')));
    assert.ok(routeServes(pathSegments('/api/todos'), segments('/api/\u0000')));
  });

  it('answers HEAD for GET routes, OPTIONS and an unknown method for every route', () => {
    assert.ok(methodServed(['GET'], 'HEAD'));
    assert.ok(methodServed(['POST'], 'OPTIONS'));
    assert.ok(methodServed(['POST'], undefined));
    assert.ok(!methodServed(['GET'], 'DELETE'));
  });
});
