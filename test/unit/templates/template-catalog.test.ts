import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinTemplates } from '../../../daemon/templates/builtin-templates';
import {
  type LoadedTemplate,
  loadTemplates,
  summarizeTemplate,
  type TemplateFileSystem,
} from '../../../daemon/templates/template-catalog';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');

describe('loadTemplates', () => {
  let workspace: string;
  let templatesDir: string;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(join(tmpdir(), 'appgen-templates-'));
    templatesDir = join(workspace, '.appgen', 'templates');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    await fs.mkdir(templatesDir, { recursive: true });
    await fs.writeFile(join(templatesDir, name), text);
  };
  const copyFixture = async (name: string) => write(name, await fs.readFile(join(FIXTURES, name), 'utf8'));
  const find = (templates: LoadedTemplate[], slug: string) => templates.find((t) => t.slug === slug);

  it('loads only the built-ins, without problems, when the workspace has no templates folder', async () => {
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.equal(templates.length, builtinTemplates.length);
    assert.ok(templates.every((t) => t.source === 'builtin'));
  });

  it('reads the real file system when no file system is given', async () => {
    await copyFixture('legacy_blog_posts.json');
    const { templates } = await loadTemplates({ workspaceDir: workspace });
    assert.equal(find(templates, 'legacy_blog_posts')?.source, 'workspace');
  });

  it('adds a workspace template to the built-ins', async () => {
    await copyFixture('legacy_blog_posts.json');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.equal(templates.length, builtinTemplates.length + 1);
    const added = find(templates, 'legacy_blog_posts');
    assert.equal(added?.source, 'workspace');
    assert.equal(added?.sourceFile, '.appgen/templates/legacy_blog_posts.json');
  });

  it('lets a workspace template override the built-in of the same slug', async () => {
    await copyFixture('crud_todo_list.json');
    const { templates } = await loadTemplates({ workspaceDir: workspace });
    const todos = templates.filter((t) => t.slug === 'crud_todo_list');
    assert.equal(todos.length, 1);
    assert.equal(todos[0]!.source, 'workspace');
    assert.equal(todos[0]!.name, 'Team Todo List');
    assert.equal(templates.length, builtinTemplates.length);
  });

  it('reports a broken file with its workspace-relative path and reason, and loads the others', async () => {
    await copyFixture('legacy_blog_posts.json');
    await write('broken.json', '{ "slug": "broken", "name": "Broken", }');
    await write('no_name.json', '{ "slug": "no_name" }');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, [
      {
        file: '.appgen/templates/broken.json',
        reason: 'invalid JSON at line 1, column 39 (offset 38): trailing comma',
      },
      { file: '.appgen/templates/no_name.json', reason: 'missing required field "name"' },
    ]);
    assert.ok(find(templates, 'legacy_blog_posts'));
    assert.equal(find(templates, 'broken'), undefined);
    assert.equal(templates.length, builtinTemplates.length + 1);
  });

  it('keeps the built-in when the workspace file meant to override it is broken', async () => {
    await write('crud_todo_list.json', '{ "slug": "crud_todo_list" }');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.equal(problems.length, 1);
    assert.equal(find(templates, 'crud_todo_list')?.source, 'builtin');
  });

  it('loads a file whose name uses "-" for "_"', async () => {
    await copyFixture('minimal-hyphen-name.json');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.equal(
      find(templates, 'minimal_hyphen_name')?.sourceFile,
      '.appgen/templates/minimal-hyphen-name.json',
    );
  });

  it("loads a file in the old tool's format and keeps its extra fields", async () => {
    await copyFixture('legacy_blog_posts.json');
    const { templates } = await loadTemplates({ workspaceDir: workspace });
    const legacy = find(templates, 'legacy_blog_posts')!;
    assert.equal(legacy.complexity, 'medium');
    assert.equal(legacy.id, 17);
    assert.deepEqual(legacy.metadata, { author: 'platform', created_at: '2024-11-02 10:00:00' });
    assert.equal(legacy.api_endpoints[0]!.auth_required, false);
    assert.deepEqual(legacy.control_endpoints, [{ method: 'POST', path: '/api/control/reset' }]);
  });

  it('reports the second of two files that claim the same slug', async () => {
    await write('my-app.json', '{ "slug": "my_app", "name": "From the hyphen file" }');
    await write('my_app.json', '{ "slug": "my_app", "name": "From the underscore file" }');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.equal(find(templates, 'my_app')?.name, 'From the hyphen file');
    assert.deepEqual(problems, [
      {
        file: '.appgen/templates/my_app.json',
        reason: 'slug "my_app" is already defined by .appgen/templates/my-app.json',
      },
    ]);
  });

  it('ignores files that do not end in .json', async () => {
    await write('README.md', '# my templates');
    await write('draft.json.bak', '{');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.equal(templates.length, builtinTemplates.length);
  });

  it('reports a folder named like a template', async () => {
    await fs.mkdir(join(templatesDir, 'folder.json'), { recursive: true });
    const { problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, [
      { file: '.appgen/templates/folder.json', reason: 'is a folder, not a file' },
    ]);
  });

  it('reports a templates path that is a file, and still returns the built-ins', async () => {
    await fs.mkdir(join(workspace, '.appgen'), { recursive: true });
    await fs.writeFile(templatesDir, 'not a folder');
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, [{ file: '.appgen/templates', reason: 'is not a folder' }]);
    assert.equal(templates.length, builtinTemplates.length);
  });

  it('returns the templates sorted by slug', async () => {
    await copyFixture('legacy_blog_posts.json');
    await write('aaa_first.json', '{ "slug": "aaa_first", "name": "First" }');
    const { templates } = await loadTemplates({ workspaceDir: workspace });
    const slugs = templates.map((t) => t.slug);
    assert.deepEqual(slugs, [...slugs].sort());
    assert.equal(slugs[0], 'aaa_first');
  });

  it('reports a broken built-in without dropping the other built-ins', async () => {
    const builtins = [
      { fileName: 'good_one.json', data: { slug: 'good_one', name: 'Good' } },
      { fileName: 'bad_one.json', data: { slug: 'bad_one' } },
    ];
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace, builtins });
    assert.deepEqual(
      templates.map((t) => t.slug),
      ['good_one'],
    );
    assert.deepEqual(problems, [{ file: 'builtin/bad_one.json', reason: 'missing required field "name"' }]);
  });

  it('gives every load its own copy of the built-in data', async () => {
    const first = await loadTemplates({ workspaceDir: workspace });
    find(first.templates, 'crud_todo_list')!.backend_requirements.push('changed by a caller');
    const second = await loadTemplates({ workspaceDir: workspace });
    assert.ok(
      !find(second.templates, 'crud_todo_list')!.backend_requirements.includes('changed by a caller'),
    );
  });

  it('reads through the file system it is given', async () => {
    const files: Record<string, string> = {
      'virtual_one.json': '{ "slug": "virtual_one", "name": "Virtual" }',
    };
    const seen: string[] = [];
    const fake: TemplateFileSystem = {
      readdir: async (path) => {
        seen.push(path);
        return Object.keys(files);
      },
      readText: async (path) => files[path.split(/[\\/]/).pop()!]!,
    };
    const { templates } = await loadTemplates({ workspaceDir: join('ws'), fs: fake });
    assert.deepEqual(seen, [join('ws', '.appgen', 'templates')]);
    assert.equal(find(templates, 'virtual_one')?.source, 'workspace');
  });
});

describe('summarizeTemplate', () => {
  it('keeps the fields templates/list returns', async () => {
    const { templates } = await loadTemplates({
      workspaceDir: join(tmpdir(), 'appgen-no-such-workspace'),
    });
    const todo = templates.find((t) => t.slug === 'crud_todo_list')!;
    assert.deepEqual(summarizeTemplate(todo), {
      slug: 'crud_todo_list',
      name: 'Todo List',
      description: todo.description,
      category: 'CRUD',
      source: 'builtin',
    });
  });
});
