import { strict as assert } from 'node:assert';
import { parseTemplate, type TemplateParseResult } from '../../../daemon/templates/template';

const VALID = {
  slug: 'crud_todo_list',
  name: 'Todo List',
  category: 'CRUD',
  description: 'Todos',
  backend_requirements: ['Store todos'],
  frontend_requirements: ['Show todos'],
  api_endpoints: [
    {
      method: 'GET',
      path: '/api/todos',
      description: 'List',
      request: null,
      response: { items: [], total: 0 },
    },
  ],
  data_model: { name: 'Todo', fields: { id: 'integer', title: 'string' } },
  control_endpoints: [],
};

function parse(value: unknown, fileName = 'crud_todo_list.json'): TemplateParseResult {
  return parseTemplate(JSON.stringify(value, null, 2), fileName);
}

function reasonOf(result: TemplateParseResult): string {
  assert.equal(result.ok, false, 'expected the template to be refused');
  return result.ok ? '' : result.reason;
}

describe('parseTemplate', () => {
  it('accepts a complete template and returns its fields', () => {
    const result = parse(VALID);
    assert.ok(result.ok);
    assert.equal(result.template.slug, 'crud_todo_list');
    assert.equal(result.template.name, 'Todo List');
    assert.deepEqual(result.template.backend_requirements, ['Store todos']);
    assert.deepEqual(result.template.api_endpoints[0]!.response, { items: [], total: 0 });
    assert.deepEqual(result.template.data_model, {
      name: 'Todo',
      fields: { id: 'integer', title: 'string' },
    });
  });

  it('fills absent optional fields with empty values', () => {
    const result = parse({ slug: 'crud_todo_list', name: 'Todo List' });
    assert.ok(result.ok);
    assert.equal(result.template.category, '');
    assert.equal(result.template.description, '');
    assert.deepEqual(result.template.backend_requirements, []);
    assert.deepEqual(result.template.frontend_requirements, []);
    assert.deepEqual(result.template.api_endpoints, []);
    assert.equal(result.template.data_model, null);
    assert.deepEqual(result.template.control_endpoints, []);
  });

  it('treats null optional fields as absent', () => {
    const result = parse({
      slug: 'crud_todo_list',
      name: 'Todo List',
      description: null,
      api_endpoints: null,
    });
    assert.ok(result.ok);
    assert.equal(result.template.description, '');
    assert.deepEqual(result.template.api_endpoints, []);
  });

  it('keeps unknown fields at the top level and inside endpoints and the data model', () => {
    const result = parse({
      ...VALID,
      complexity: 'high',
      tags: ['a'],
      api_endpoints: [{ method: 'GET', path: '/api/x', auth_required: true }],
      data_model: { name: 'X', fields: {}, indexes: ['name'] },
    });
    assert.ok(result.ok);
    assert.equal(result.template.complexity, 'high');
    assert.deepEqual(result.template.tags, ['a']);
    assert.equal(result.template.api_endpoints[0]!.auth_required, true);
    assert.deepEqual(result.template.data_model?.indexes, ['name']);
  });

  it('gives endpoints without bodies null request and response and an empty description', () => {
    const result = parse({ ...VALID, api_endpoints: [{ method: 'DELETE', path: '/api/todos/<id>' }] });
    assert.ok(result.ok);
    assert.deepEqual(result.template.api_endpoints[0], {
      method: 'DELETE',
      path: '/api/todos/<id>',
      description: '',
      request: null,
      response: null,
    });
  });

  it('accepts a file whose name uses "-" where the slug has "_"', () => {
    assert.ok(parse(VALID, 'crud-todo-list.json').ok);
  });

  it('accepts a path as the file name and matches on its last part', () => {
    assert.ok(parse(VALID, 'some/folder/crud_todo_list.json').ok);
  });

  it('accepts a leading byte order mark', () => {
    assert.ok(parseTemplate(`\uFEFF${JSON.stringify(VALID)}`, 'crud_todo_list.json').ok);
  });

  describe('refuses with a precise reason', () => {
    it('invalid JSON, naming line and column', () => {
      const text = '{\n  "slug": "crud_todo_list",\n  "name": "Todo"\n  "category": "CRUD"\n}\n';
      assert.match(
        reasonOf(parseTemplate(text, 'crud_todo_list.json')),
        /^invalid JSON at line 4, column 3 \(offset \d+\): ',' expected$/,
      );
    });

    it('a trailing comma, by name', () => {
      const text = '{\n  "slug": "crud_todo_list",\n  "name": "Todo",\n}';
      assert.match(reasonOf(parseTemplate(text, 'crud_todo_list.json')), /line 4, column 1 .*trailing comma/);
    });

    it('comments, which JSON does not allow', () => {
      const text = '// my template\n{"slug": "crud_todo_list", "name": "Todo"}';
      assert.match(
        reasonOf(parseTemplate(text, 'crud_todo_list.json')),
        /line 1, column 1 .*comments are not allowed/,
      );
    });

    it('a file cut off in the middle', () => {
      assert.match(
        reasonOf(parseTemplate('{"slug": "crud_todo_list", "name": ', 'crud_todo_list.json')),
        /at the end of the file/,
      );
    });

    it('an empty file', () => {
      assert.equal(reasonOf(parseTemplate('  \n', 'crud_todo_list.json')), 'invalid JSON: the file is empty');
    });

    it('a JSON value that is not an object', () => {
      assert.equal(reasonOf(parse([VALID])), 'a template must be a JSON object, got an array');
    });

    it('a missing slug', () => {
      const { slug: _, ...noSlug } = VALID;
      assert.equal(reasonOf(parse(noSlug)), 'missing required field "slug"');
    });

    it('a missing name', () => {
      const { name: _, ...noName } = VALID;
      assert.equal(reasonOf(parse(noName)), 'missing required field "name"');
    });

    it('an empty name', () => {
      assert.equal(reasonOf(parse({ ...VALID, name: '  ' })), '"name" must not be empty');
    });

    it('a slug that is not a string', () => {
      assert.equal(reasonOf(parse({ ...VALID, slug: 12 })), '"slug" must be a string, got a number (12)');
    });

    it('a slug with unsafe characters', () => {
      assert.match(
        reasonOf(parse({ ...VALID, slug: '../x' }, '../x.json')),
        /may only contain letters, digits/,
      );
    });

    it('a slug that does not match the file name', () => {
      assert.equal(
        reasonOf(parse(VALID, 'todo.json')),
        'slug "crud_todo_list" does not match the file name "todo" (expected slug "todo", or rename the file to "crud_todo_list.json")',
      );
    });

    it('backend_requirements that is not an array', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, backend_requirements: 'Store todos' })),
        '"backend_requirements" must be an array, got a string ("Store todos")',
      );
    });

    it('frontend_requirements with an item that is not a string', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, frontend_requirements: ['ok', { text: 'no' }] })),
        '"frontend_requirements" must be an array of strings, but item 1 is an object',
      );
    });

    it('a category that is not a string', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, category: ['CRUD'] })),
        '"category" must be a string, got an array',
      );
    });

    it('an endpoint without a path', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, api_endpoints: [{ method: 'GET' }] })),
        'api_endpoints[0] is missing "path"',
      );
    });

    it('an endpoint whose method is not a string', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, api_endpoints: [VALID.api_endpoints[0], { method: 1, path: '/x' }] })),
        'api_endpoints[1].method must be a string, got a number (1)',
      );
    });

    it('api_endpoints that is an object', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, api_endpoints: {} })),
        '"api_endpoints" must be an array, got an object',
      );
    });

    it('a data model field whose type is not a string', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, data_model: { name: 'Todo', fields: { id: 1 } } })),
        'data_model.fields.id must be a string naming its type, got a number (1)',
      );
    });

    it('a data model that is an array', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, data_model: [] })),
        '"data_model" must be an object, got an array',
      );
    });

    it('control_endpoints that is not an array', () => {
      assert.equal(
        reasonOf(parse({ ...VALID, control_endpoints: 'none' })),
        '"control_endpoints" must be an array, got a string ("none")',
      );
    });
  });
});
