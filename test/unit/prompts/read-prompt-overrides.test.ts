import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promptSetLoader } from '../../../daemon/prompts/load-prompt-set';
import { PromptFileError } from '../../../daemon/prompts/prompt-file-error';
import { MAX_PROMPT_FILE_BYTES } from '../../../daemon/prompts/prompt-files';
import { readPromptOverrides } from '../../../daemon/prompts/read-prompt-overrides';

describe('readPromptOverrides', () => {
  let workspace: string;
  let dir: string;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(join(tmpdir(), 'appgen-prompts-'));
    dir = join(workspace, '.appgen', 'prompts');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  const write = async (name: string, text: string | Buffer) => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, name), text);
  };

  it('finds none, and no problem, when the workspace has no prompts folder', async () => {
    assert.deepEqual(await readPromptOverrides(workspace), { sources: [], problems: [] });
  });

  it('reads a file of a shipped name, and leaves other files alone', async () => {
    await write('backend.user.hbs', 'Write {{template.name}}');
    await write('notes.md', 'my notes');
    const { sources, problems } = await readPromptOverrides(workspace);
    assert.deepEqual(problems, []);
    assert.deepEqual(sources, [
      {
        name: 'backend.user.hbs',
        text: 'Write {{template.name}}',
        file: '.appgen/prompts/backend.user.hbs',
        overridden: true,
      },
    ]);
  });

  it('refuses a .hbs file whose name is not a prompt file, so a misspelt override is not ignored', async () => {
    await write('backend.users.hbs', 'x');
    const { problems } = await readPromptOverrides(workspace);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, '.appgen/prompts/backend.users.hbs');
    assert.match(problems[0]?.message ?? '', /not a prompt file name; the names are backend\.system\.hbs/);
  });

  it('does not read through a link, to a file or as the folder', async () => {
    const outside = join(workspace, 'outside.hbs');
    await fs.writeFile(outside, 'secret {{template.name}}');
    await fs.mkdir(dir, { recursive: true });
    await fs.symlink(outside, join(dir, 'backend.user.hbs'));
    let result = await readPromptOverrides(workspace);
    assert.deepEqual(result.sources, []);
    assert.deepEqual(result.problems, [
      {
        file: '.appgen/prompts/backend.user.hbs',
        message: 'is a link; prompt overrides are read as regular files only',
      },
    ]);

    await fs.rm(dir, { recursive: true });
    const elsewhere = join(workspace, 'elsewhere');
    await fs.mkdir(elsewhere);
    await fs.writeFile(join(elsewhere, 'backend.user.hbs'), 'x');
    await fs.symlink(elsewhere, dir);
    result = await readPromptOverrides(workspace);
    assert.deepEqual(result.sources, []);
    assert.match(result.problems[0]?.message ?? '', /is a link/);
    assert.equal(result.problems[0]?.file, '.appgen/prompts');
  });

  it('refuses a folder, and a named pipe without waiting for a writer', async () => {
    await fs.mkdir(join(dir, 'backend.user.hbs'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'frontend.user.hbs')]);
    const { problems, sources } = await readPromptOverrides(workspace);
    assert.deepEqual(sources, []);
    assert.deepEqual(problems, [
      { file: '.appgen/prompts/backend.user.hbs', message: 'is not a regular file' },
      { file: '.appgen/prompts/frontend.user.hbs', message: 'is not a regular file' },
    ]);
  });

  it('refuses a file over the size cap, and one that is not UTF-8', async () => {
    await write('backend.user.hbs', 'x'.repeat(MAX_PROMPT_FILE_BYTES + 1));
    await write('frontend.user.hbs', Buffer.from([0x41, 0xff, 0xfe, 0x42]));
    await write('backend.system.hbs', 'y'.repeat(MAX_PROMPT_FILE_BYTES));
    const { problems, sources } = await readPromptOverrides(workspace);
    assert.deepEqual(
      sources.map((s) => s.name),
      ['backend.system.hbs'],
    );
    assert.deepEqual(problems, [
      {
        file: '.appgen/prompts/backend.user.hbs',
        message: 'is larger than 256 KB, the most a prompt file may be',
      },
      { file: '.appgen/prompts/frontend.user.hbs', message: 'is not UTF-8 text' },
    ]);
  });
});

describe('promptSetLoader', () => {
  let workspace: string;

  beforeEach(async () => {
    workspace = await fs.mkdtemp(join(tmpdir(), 'appgen-prompts-'));
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('gives the shipped set, then the overridden one, compiled once while the texts stay the same', async () => {
    const load = promptSetLoader(workspace);
    const shipped = await load();
    assert.deepEqual(shipped.overridden, []);
    await fs.mkdir(join(workspace, '.appgen', 'prompts'), { recursive: true });
    await fs.writeFile(join(workspace, '.appgen', 'prompts', 'frontend.system.hbs'), 'Be brief.');
    const overridden = await load();
    assert.deepEqual(overridden.overridden, ['frontend.system.hbs']);
    assert.equal(overridden.render('frontend.system.hbs', {}), 'Be brief.');
    assert.equal(await load(), overridden);
  });

  it('rejects with every problem, by file', async () => {
    await fs.mkdir(join(workspace, '.appgen', 'prompts'), { recursive: true });
    await fs.writeFile(join(workspace, '.appgen', 'prompts', 'backend.user.hbs'), 'a\n{{#each x}}');
    await assert.rejects(
      promptSetLoader(workspace)(),
      (error: unknown) =>
        error instanceof PromptFileError &&
        /^Prompt file \.appgen\/prompts\/backend\.user\.hbs:/.test(error.message),
    );
  });
});
