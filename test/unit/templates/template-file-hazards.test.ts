/**
 * Workspace template files that are not plain files of a sane size and shape: each is reported by
 * name with the reason, at once, and the other templates still load.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_JSON_DEPTH } from '../../../daemon/json-depth';
import { builtinTemplates } from '../../../daemon/templates/builtin-templates';
import { loadTemplates, MAX_TEMPLATE_BYTES } from '../../../daemon/templates/template-catalog';

const GOOD = '{ "slug": "good_one", "name": "Good" }';

describe('loadTemplates with hazardous files', () => {
  let workspace: string;
  let templatesDir: string;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(join(tmpdir(), 'appgen-template-hazards-'));
    templatesDir = join(workspace, '.appgen', 'templates');
    await fs.mkdir(templatesDir, { recursive: true });
    await fs.writeFile(join(templatesDir, 'good_one.json'), GOOD);
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  /** Loads, and checks that the good template and every built-in came through. */
  const load = async () => {
    const catalog = await loadTemplates({ workspaceDir: workspace });
    assert.ok(catalog.templates.some((t) => t.slug === 'good_one'));
    assert.equal(catalog.templates.length, builtinTemplates.length + 1);
    return catalog.problems;
  };

  it('reports a named pipe (FIFO) at once instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(templatesDir, 'pipe.json')]);
    assert.deepEqual(await load(), [
      { file: '.appgen/templates/pipe.json', reason: 'is a named pipe (FIFO), not a regular file' },
    ]);
  });

  it('reports a link to /dev/zero without reading it', async () => {
    await fs.symlink('/dev/zero', join(templatesDir, 'zero.json'));
    const problems = await load();
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, '.appgen/templates/zero.json');
    assert.match(problems[0]!.reason, /^is a link to \/dev\/zero, outside the workspace$/);
  });

  it('reports a link to a regular file outside the workspace', async () => {
    const outside = await fs.mkdtemp(join(tmpdir(), 'appgen-outside-'));
    try {
      await fs.writeFile(join(outside, 'secret_one.json'), '{ "slug": "secret_one", "name": "Secret" }');
      await fs.symlink(join(outside, 'secret_one.json'), join(templatesDir, 'secret_one.json'));
      const problems = await load();
      assert.deepEqual(
        problems.map((p) => p.file),
        ['.appgen/templates/secret_one.json'],
      );
      assert.match(problems[0]!.reason, /outside the workspace/);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('follows a link to a regular file inside the workspace', async () => {
    await fs.mkdir(join(workspace, 'shared'));
    await fs.writeFile(
      join(workspace, 'shared', 'linked_one.json'),
      '{ "slug": "linked_one", "name": "Linked" }',
    );
    await fs.symlink(join('..', '..', 'shared', 'linked_one.json'), join(templatesDir, 'linked_one.json'));
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.equal(templates.find((t) => t.slug === 'linked_one')?.source, 'workspace');
  });

  it('reports a file over 1 MB without reading it', async () => {
    const file = join(templatesDir, 'huge.json');
    // A sparse file: its size says 3 GB, and reading it would take that much memory.
    await fs.writeFile(file, '');
    await fs.truncate(file, 3 * 1024 * 1024 * 1024);
    const problems = await load();
    assert.deepEqual(problems, [
      {
        file: '.appgen/templates/huge.json',
        reason: `is larger than the 1 MB allowed (${3 * 1024 ** 3} bytes)`,
      },
    ]);
    assert.equal(MAX_TEMPLATE_BYTES, 1024 * 1024);
  });

  it('reads a file of exactly 1 MB', async () => {
    const text = `{ "slug": "big_one", "name": "Big", "description": "${'x'.repeat(MAX_TEMPLATE_BYTES - 60)}" }`;
    await fs.writeFile(join(templatesDir, 'big_one.json'), text.padEnd(MAX_TEMPLATE_BYTES, ' '));
    const { templates, problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
    assert.ok(templates.some((t) => t.slug === 'big_one'));
  });

  it('reports 200,000-deep nesting by position, and the next load works as well', async () => {
    const deep = `{ "slug": "deep", "name": "Deep", "x": ${'['.repeat(200_000)}${']'.repeat(200_000)} }`;
    await fs.writeFile(join(templatesDir, 'deep.json'), deep);
    for (let load_ = 0; load_ < 2; load_++) {
      assert.deepEqual(await load(), [
        {
          file: '.appgen/templates/deep.json',
          reason: `invalid JSON at line 1, column ${40 + MAX_JSON_DEPTH - 1} (offset ${38 + MAX_JSON_DEPTH}): nested deeper than ${MAX_JSON_DEPTH} levels`,
        },
      ]);
    }
  });

  it('reads 64 levels of nesting', async () => {
    const inner = `${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}`;
    await fs.writeFile(
      join(templatesDir, 'nested.json'),
      `{ "slug": "nested", "name": "Nested", "x": ${inner} }`,
    );
    const { problems } = await loadTemplates({ workspaceDir: workspace });
    assert.deepEqual(problems, []);
  });

  it('reports every hazard of one folder together, each by name', async () => {
    execFileSync('mkfifo', [join(templatesDir, 'pipe.json')]);
    await fs.symlink('/dev/zero', join(templatesDir, 'zero.json'));
    await fs.writeFile(join(templatesDir, 'deep.json'), `${'['.repeat(100_000)}`);
    const problems = await load();
    assert.deepEqual(
      problems.map((p) => p.file),
      ['.appgen/templates/deep.json', '.appgen/templates/pipe.json', '.appgen/templates/zero.json'],
    );
  });
});
