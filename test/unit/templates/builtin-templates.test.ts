import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates } from '../../../daemon/templates/builtin-templates';
import { parseTemplate, type Template } from '../../../daemon/templates/template';

const BUILTIN_DIR = join(__dirname, '..', '..', '..', 'daemon', 'templates', 'builtin');
const filesOnDisk = readdirSync(BUILTIN_DIR).filter((name) => name.endsWith('.json'));

function load(fileName: string): Template {
  const result = parseTemplate(readFileSync(join(BUILTIN_DIR, fileName), 'utf8'), fileName);
  assert.ok(result.ok, `${fileName}: ${result.ok ? '' : result.reason}`);
  return result.template;
}

describe('built-in templates', () => {
  it('are at least twelve', () => {
    assert.ok(filesOnDisk.length >= 12, `only ${filesOnDisk.length}`);
  });

  it('are all bundled: every file in the folder is imported by the index, once', () => {
    assert.deepEqual(builtinTemplates.map((t) => t.fileName).sort(), [...filesOnDisk].sort());
  });

  it('bundle the same data as the files hold', () => {
    for (const { fileName, data } of builtinTemplates) {
      assert.deepEqual(data, JSON.parse(readFileSync(join(BUILTIN_DIR, fileName), 'utf8')), fileName);
    }
  });

  it('cover at least six different categories, none holding more than a quarter of them', () => {
    const counts = new Map<string, number>();
    for (const name of filesOnDisk) {
      const { category } = load(name);
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    assert.ok(counts.size >= 6, `categories: ${[...counts.keys()].join(', ')}`);
    for (const [category, count] of counts)
      assert.ok(count <= filesOnDisk.length / 4, `${category}: ${count}`);
  });

  for (const fileName of filesOnDisk) {
    describe(fileName, () => {
      it('is a valid template whose slug is its file name', () => {
        const template = load(fileName);
        assert.equal(`${template.slug}.json`, fileName);
      });

      it('has a name, a category, a description and 4-8 requirements per component', () => {
        const template = load(fileName);
        assert.notEqual(template.name.trim(), '');
        assert.notEqual(template.category.trim(), '');
        assert.ok(template.description.length >= 20, 'description too short');
        for (const list of [template.backend_requirements, template.frontend_requirements]) {
          assert.ok(list.length >= 4 && list.length <= 8, `${list.length} requirements`);
        }
      });

      it('has 4-8 endpoints under /api with a method, a description and an example response', () => {
        const { api_endpoints: endpoints } = load(fileName);
        assert.ok(endpoints.length >= 4 && endpoints.length <= 8, `${endpoints.length} endpoints`);
        const seen = new Set<string>();
        for (const endpoint of endpoints) {
          const key = `${endpoint.method} ${endpoint.path}`;
          assert.match(endpoint.method, /^(GET|POST|PUT|PATCH|DELETE)$/, key);
          assert.match(endpoint.path, /^\/api\//, key);
          assert.notEqual(endpoint.description, '', key);
          assert.ok(endpoint.response !== null && typeof endpoint.response === 'object', `${key}: response`);
          assert.ok(!seen.has(key), `${key} listed twice`);
          seen.add(key);
          if (endpoint.method === 'PUT' || endpoint.method === 'PATCH') {
            assert.ok(endpoint.request !== null, `${key}: request body expected`);
          }
        }
      });

      it('leaves the health endpoint to the scaffold', () => {
        assert.ok(!load(fileName).api_endpoints.some((e) => e.path === '/api/health'));
      });

      it('shapes its list responses as {items, total}', () => {
        for (const endpoint of load(fileName).api_endpoints) {
          const response = endpoint.response as Record<string, unknown>;
          if (!('items' in response)) continue;
          assert.ok(Array.isArray(response.items), `${endpoint.path}: items`);
          assert.equal(typeof response.total, 'number', `${endpoint.path}: total`);
        }
      });

      it('has a named data model with typed fields including id', () => {
        const model = load(fileName).data_model;
        assert.ok(model !== null);
        assert.notEqual(model.name, '');
        assert.ok(Object.keys(model.fields).length >= 3);
        assert.ok(
          'id' in model.fields || Object.values(model.fields).some((type) => /primary key/.test(type)),
        );
        for (const type of Object.values(model.fields)) assert.notEqual(type.trim(), '');
      });
    });
  }
});
