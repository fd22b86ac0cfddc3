import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate, type Template } from '../../../daemon/templates/template';
import { loadTemplates } from '../../../daemon/templates/template-catalog';
import { logUnusedFieldsOnce, unusedFields } from '../../../daemon/templates/unused-fields';

const LEGACY = join(__dirname, '..', '..', 'fixtures', 'templates', 'legacy');

function legacy(name: string): Template {
  const result = parseTemplate(readFileSync(join(LEGACY, `${name}.json`), 'utf8'), `${name}.json`);
  assert.ok(result.ok);
  return result.template;
}

describe('unusedFields', () => {
  it('names nothing for the built-in templates: the prompts print all of them', async () => {
    const { templates } = await loadTemplates({ workspaceDir: 'no-such-workspace-folder' });
    for (const template of templates) assert.deepEqual(unusedFields(template), [], template.slug);
  });

  it('names the fields of the old tool the prompts do not print, at every level', () => {
    assert.deepEqual(unusedFields(legacy('auth_signup_login')), [
      'difficulty',
      'api_endpoints[].auth_required',
    ]);
    assert.deepEqual(unusedFields(legacy('crud_library_books')), ['data_model.relationships']);
    assert.deepEqual(unusedFields(legacy('link_bookmarks')), ['id', 'created_at']);
    assert.deepEqual(unusedFields(legacy('upload_csv_import')), ['control_endpoints']);
    assert.deepEqual(unusedFields(legacy('realtime_notifications')), ['metadata']);
  });

  it('leaves out empty values, which carry nothing', () => {
    assert.deepEqual(unusedFields(legacy('weather_cache_proxy')), []);
    assert.deepEqual(unusedFields(legacy('crud_recipes')), []);
  });

  it('finds some in a third of the old templates', () => {
    const names = readdirSync(LEGACY).map((file) => file.replace(/\.json$/, ''));
    const withUnused = names.filter((name) => unusedFields(legacy(name)).length > 0);
    assert.ok(withUnused.length >= 10, withUnused.join(', '));
  });

  it('is logged once per file, and again only when the fields change', () => {
    const logged: unknown[] = [];
    const note = logUnusedFieldsOnce((message, fields) => logged.push({ message, ...fields }));
    const loaded = (t: Template) => ({ ...t, sourceFile: `.appgen/templates/${t.slug}.json` });
    const catalog = { templates: [loaded(legacy('link_bookmarks')), loaded(legacy('crud_recipes'))] };
    assert.equal(note(catalog), catalog);
    note(catalog);
    assert.deepEqual(logged, [
      {
        message: 'template fields the prompts do not use',
        file: '.appgen/templates/link_bookmarks.json',
        fields: ['id', 'created_at'],
      },
    ]);
    note({ templates: [{ ...loaded(legacy('link_bookmarks')), difficulty: 'easy' }] });
    assert.equal(logged.length, 2);
  });
});
