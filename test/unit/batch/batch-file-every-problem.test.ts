/**
 * A refused batch file lists every problem at once: unknown templates along with the others, what
 * the parser read past a syntax error, and keys given twice.
 */
import assert from 'node:assert/strict';
import { parseBatchFile } from '../../../daemon/batch/batch-file';
import { file, problemsOf as problemsWith } from './batch-file-helpers';

const KNOWN = ['crud_todo_list', 'quiz_app'];

/** The problems as `line:column path: message`, with these templates known. */
function problemsOf(text: string): string[] {
  return problemsWith(text, { knownTemplates: KNOWN });
}

describe('batch file, every problem listed', () => {
  describe('unknown templates', () => {
    it('are listed along with an unknown property', () => {
      assert.deepEqual(
        problemsOf(
          file('{', '  "models": ["a/b"],', '  "templates": ["no_such_template"],', '  "bogus": 1', '}'),
        ),
        ['3:17 templates[0]: unknown template "no_such_template"', '4:3 bogus: unknown property "bogus"'],
      );
    });

    it('are listed along with a bad repeat, outputDir and model, each at its own place', () => {
      const problems = problemsOf(
        file(
          '{',
          '  "models": ["a/b", ".."],',
          '  "templates": ["quiz_app", "nope", "crud_todo_list", "gone"],',
          '  "repeat": 0,',
          '  "outputDir": "../x"',
          '}',
        ),
      );
      assert.deepEqual(
        problems.map((p) => p.split(': ')[0]),
        ['2:21 models[1]', '3:29 templates[1]', '3:55 templates[3]', '4:13 repeat', '5:16 outputDir'],
      );
      assert.equal(problems[1], '3:29 templates[1]: unknown template "nope"');
      assert.equal(problems[2], '3:55 templates[3]: unknown template "gone"');
    });

    it('are listed past a syntax error elsewhere', () => {
      assert.deepEqual(problemsOf(file('{', '  "models": ["a/b"]', '  "templates": ["nope"]', '}')), [
        '3:3 : JSON syntax: comma expected',
        '3:17 templates[0]: unknown template "nope"',
      ]);
    });

    it('give no second problem to an entry that has one of its own', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b"],', '  "templates": ["no slug", "nope", "nope"]', '}')),
        [
          '3:17 templates[0]: is not a template slug (letters, digits, "_" and "-")',
          '3:28 templates[1]: unknown template "nope"',
          '3:36 templates[2]: "nope" is listed twice (also at templates[1])',
        ],
      );
    });

    it('are not looked for in a value that is not a list of strings', () => {
      assert.deepEqual(problemsOf(file('{', '  "models": ["a/b"],', '  "templates": ["nope", 3]', '}')), [
        '3:25 templates[1]: must be a string',
      ]);
    });

    it('are no problem for "all", nor without the known templates', () => {
      const all = parseBatchFile('{"models": ["a/b"], "templates": "all"}', { knownTemplates: KNOWN });
      assert.deepEqual([all.problems, all.config?.templates], [[], 'all']);
      const unchecked = parseBatchFile('{"models": ["a/b"], "templates": ["nope"]}');
      assert.deepEqual([unchecked.problems, unchecked.config?.templates], [[], ['nope']]);
    });
  });

  describe('past a syntax error', () => {
    it('lists the problems of what the parser read whole, in file order', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b"],', '  "templates": "all"', '  "repeat": 0', '}')),
        ['4:3 : JSON syntax: comma expected', '4:13 repeat: must be >= 1'],
      );
      assert.deepEqual(
        problemsOf(file('{', '  "repeat": 0', '  "models": ["a/b"],', '  "templates": "all"', '}')),
        ['2:13 repeat: must be >= 1', '3:3 : JSON syntax: comma expected'],
      );
    });

    it('lists them inside an object that lacks a comma too', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "options": {"temperature": 9 "maxTokens": 0, "topP": 1}',
            '}',
          ),
        ),
        [
          '4:30 options.temperature: must be <= 2',
          '4:32 : JSON syntax: comma expected',
          '4:45 options.maxTokens: must be >= 1',
          '4:48 options.topP: unknown property "topP"',
        ],
      );
    });

    it('lists them when the last brace is missing, but not for a value the end of the file may cut', () => {
      const lines = ['{', '  "models": ["a/b"],', '  "templates": "all",', '  "repeat": 0'];
      assert.deepEqual(problemsOf(file(...lines, '')), [
        '4:13 repeat: must be >= 1',
        '5:1 : JSON syntax: close brace expected',
      ]);
      assert.deepEqual(problemsOf(file(...lines)), ['4:14 : JSON syntax: close brace expected']);
    });

    it('adds nothing for a value the error cut short or left out', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b"],', '  "templates": "all",', '  "repeat": 01', '}')),
        [
          '4:14 : JSON syntax: comma expected',
          '4:14 : JSON syntax: property name expected',
          '5:1 : JSON syntax: value expected',
        ],
      );
      assert.deepEqual(
        problemsOf(file('{', '  "models": ,', '  "templates": "all",', '  "repeat": -', '}')),
        [
          '2:13 : JSON syntax: value expected',
          '4:13 : JSON syntax: invalid symbol',
          '5:1 : JSON syntax: value expected',
        ],
        'no "missing required property" for a value the parser lost',
      );
    });

    it('adds nothing for what a list left open took in', () => {
      assert.deepEqual(
        problemsOf(
          file('{', '  "models": ["a/b", "..",', '  "templates": "all",', '  "repeat": 0', '}'),
        ).filter((p) => !p.includes('JSON syntax')),
        [],
      );
    });

    it('adds nothing for what an object left open took in', () => {
      assert.deepEqual(
        problemsOf(
          file('{', '  "options": {"temperature": 1,', '  "models": ["a/b"],', '  "templates": "all"', '}'),
        ),
        ['5:2 : JSON syntax: close brace expected'],
      );
    });
  });

  describe('duplicate keys', () => {
    it('are refused at the second, naming where the first is', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b"],', '  "templates": "all",', '  "models": ["c/d"]', '}')),
        ['4:3 models: duplicate key "models" (first at 2:3)'],
      );
    });

    it('are refused at any depth', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "options": {"temperature": 0.1, "maxTokens": 9, "temperature": 0.2}',
            '}',
          ),
        ),
        ['4:51 options.temperature: duplicate key "temperature" (first at 4:15)'],
      );
    });

    it('leave the problems of the value kept (the last) at that value', () => {
      assert.deepEqual(
        problemsOf(
          file('{', '  "models": ["a/b"],', '  "templates": "all",', '  "repeat": 2,', '  "repeat": 0', '}'),
        ),
        ['5:3 repeat: duplicate key "repeat" (first at 4:3)', '5:13 repeat: must be >= 1'],
      );
    });
  });
});
