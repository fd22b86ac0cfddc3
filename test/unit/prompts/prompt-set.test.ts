import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PromptFileError } from '../../../daemon/prompts/prompt-file-error';
import { PROMPT_FILE_NAMES, type PromptFileName } from '../../../daemon/prompts/prompt-files';
import { PromptSet, type PromptSource } from '../../../daemon/prompts/prompt-set';

const SHIPPED = join(__dirname, '..', '..', '..', 'daemon', 'prompts', 'files');

/** The shipped files, with some replaced as a workspace would. */
function sources(overrides: Partial<Record<PromptFileName, string>> = {}): PromptSource[] {
  return PROMPT_FILE_NAMES.map((name) => {
    const text = overrides[name];
    return text === undefined
      ? { name, text: readFileSync(join(SHIPPED, name), 'utf8'), file: `prompts/${name}`, overridden: false }
      : { name, text, file: `.appgen/prompts/${name}`, overridden: true };
  });
}

function compileError(overrides: Partial<Record<PromptFileName, string>>): PromptFileError {
  try {
    PromptSet.compile(sources(overrides));
  } catch (error) {
    assert.ok(error instanceof PromptFileError, String(error));
    return error;
  }
  assert.fail('the prompt files compiled');
}

const view = { template: { name: 'Todo', slug: 'todo' }, routes: [], items: ['a', 'b'] };

describe('PromptSet', () => {
  it('compiles the shipped files and names no override', () => {
    const set = PromptSet.compile(sources());
    assert.deepEqual(set.overridden, []);
  });

  it('names the files a workspace overrides', () => {
    const set = PromptSet.compile(sources({ 'frontend.user.hbs': 'x', 'backend.user.hbs': 'y' }));
    assert.deepEqual(set.overridden, ['backend.user.hbs', 'frontend.user.hbs']);
    assert.ok(set.isOverridden('backend.user.hbs'));
    assert.ok(!set.isOverridden('backend.system.hbs'));
  });

  it('refuses a file that does not parse, naming the file and the line', () => {
    const bad = compileError({ 'backend.user.hbs': 'one\ntwo {{ template.name' });
    assert.equal(bad.code, 'invalid_params');
    assert.equal(bad.problems.length, 1);
    assert.equal(bad.problems[0]?.file, '.appgen/prompts/backend.user.hbs');
    assert.equal(bad.problems[0]?.line, 2);
    assert.match(bad.message, /backend\.user\.hbs:2: does not parse: .*\(in "two \{\{ template\.name"\)/);
  });

  it('names the line of a block that is never closed', () => {
    const error = compileError({
      'backend.user.hbs':
        'one\n{{!-- {{#each x}} --}}\n{{#if template.name}}\n{{#each a}}{{^}}{{/each}}\nno end',
    });
    assert.equal(
      error.message,
      'Prompt file .appgen/prompts/backend.user.hbs:3: {{#if}} is never closed with {{/if}}',
    );
  });

  it('refuses a block closed by another name, at its line and column', () => {
    const error = compileError({ 'frontend.user.hbs': 'a\n{{#if routes}}\nb\n{{/each}}' });
    assert.match(
      error.message,
      /^Prompt file \.appgen\/prompts\/frontend\.user\.hbs:2:4: if doesn't match each$/,
    );
  });

  it('refuses a helper that does not exist, at its line and column', () => {
    const error = compileError({ 'backend.system.hbs': 'You are\nan {{shout template.name}} engineer' });
    assert.deepEqual(error.problems, [
      {
        file: '.appgen/prompts/backend.system.hbs',
        line: 2,
        column: 4,
        message: 'unknown helper "shout" (the helpers are json, if, unless, each, with and lookup)',
      },
    ]);
  });

  it('offers no log helper, which would write into the protocol', () => {
    const error = compileError({ 'backend.user.hbs': '{{log "hello"}}' });
    assert.match(error.message, /:1:1: unknown helper "log"/);
  });

  it('refuses partials and decorators, which would read other files', () => {
    assert.match(compileError({ 'backend.user.hbs': 'a\n  {{> header}}' }).message, /:2:3: partials/);
    assert.match(compileError({ 'backend.user.hbs': '{{* deco}}' }).message, /:1:1: decorators/);
  });

  it('lists every broken file at once', () => {
    const error = compileError({ 'backend.user.hbs': '{{#if}}', 'frontend.user.hbs': '{{nope x}}' });
    assert.deepEqual(
      error.problems.map((p) => p.file),
      ['.appgen/prompts/backend.user.hbs', '.appgen/prompts/frontend.user.hbs'],
    );
    assert.equal(error.message.split('\n').length, 2);
  });

  it('names the line of a variable that does not exist when rendering (strict mode)', () => {
    const set = PromptSet.compile(
      sources({ 'backend.user.hbs': '# {{template.name}}\n\nby {{template.author}}' }),
    );
    assert.throws(
      () => set.render('backend.user.hbs', view),
      (error: unknown) =>
        error instanceof PromptFileError &&
        /^Prompt file \.appgen\/prompts\/backend\.user\.hbs:3:6: "author" is not defined/.test(error.message),
    );
  });

  it('prints text as it is, never HTML-escaped', () => {
    const set = PromptSet.compile(sources({ 'backend.user.hbs': '{{template.name}}' }));
    assert.equal(set.render('backend.user.hbs', { template: { name: '<a & "b">' } }), '<a & "b">');
  });

  it('prints any value as JSON with the json helper', () => {
    const set = PromptSet.compile(sources({ 'backend.user.hbs': '{{json items}}' }));
    assert.equal(set.render('backend.user.hbs', view), '[\n  "a",\n  "b"\n]');
    const misuse = PromptSet.compile(sources({ 'backend.user.hbs': 'x\n{{json}}' }));
    assert.throws(
      () => misuse.render('backend.user.hbs', view),
      /backend\.user\.hbs:2:1: json takes one value/,
    );
  });

  it('reads CRLF files, collapses runs of blank lines and trims the result', () => {
    const set = PromptSet.compile(
      sources({ 'backend.user.hbs': '\r\nA\r\n{{#if nothing}}\r\nB\r\n{{/if}}\r\n\r\n\r\n\r\nC\r\n\r\n' }),
    );
    assert.equal(set.render('backend.user.hbs', { nothing: false }), 'A\n\nC');
  });
});
