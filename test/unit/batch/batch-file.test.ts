import assert from 'node:assert/strict';
import { formatProblems, parseBatchFile } from '../../../daemon/batch/batch-file';
import { file, problemsOf } from './batch-file-helpers';

describe('batch file', () => {
  describe('accepted files', () => {
    it('reads a full file and defaults repeat to 1', () => {
      const parsed = parseBatchFile(
        file(
          '{',
          '  "$schema": "./batch.schema.json",',
          '  "models": ["openai/gpt-4o", "anthropic/claude-sonnet-4"],',
          '  "templates": ["crud_todo_list", "api_url_shortener"],',
          '  "maxConcurrent": 2,',
          '  "outputDir": "out/apps",',
          '  "budgetUsd": 1.5,',
          '  "options": {"temperature": 0.2, "maxTokens": 16000}',
          '}',
        ),
      );
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(JSON.parse(JSON.stringify(parsed.config)), {
        $schema: './batch.schema.json',
        models: ['openai/gpt-4o', 'anthropic/claude-sonnet-4'],
        templates: ['crud_todo_list', 'api_url_shortener'],
        repeat: 1,
        maxConcurrent: 2,
        outputDir: 'out/apps',
        budgetUsd: 1.5,
        options: { temperature: 0.2, maxTokens: 16000 },
      });
    });

    it('accepts line and block comments and trailing commas', () => {
      const parsed = parseBatchFile(
        file(
          '// which models build what',
          '{',
          '  /* two models */ "models": ["a/one", "b/two",],',
          '  "templates": "all", // every template',
          '  "repeat": 3,',
          '}',
        ),
      );
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.config, { models: ['a/one', 'b/two'], templates: 'all', repeat: 3 });
    });

    it('accepts a byte order mark and CRLF line ends', () => {
      const parsed = parseBatchFile('\uFEFF{\r\n  "models": ["a/b"],\r\n  "templates": "all"\r\n}\r\n');
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.config?.models, ['a/b']);
    });
  });

  describe('refused files, each problem with its line and column', () => {
    it('reports a JSON syntax error where it is', () => {
      assert.deepEqual(problemsOf(file('{', '  "models": ["a/b"]', '  "templates": "all"', '}')), [
        '3:3 : JSON syntax: comma expected',
      ]);
    });

    it('reports an empty file', () => {
      assert.deepEqual(problemsOf('  \n'), ['1:1 : the file is empty']);
    });

    it('reports a file that is not an object', () => {
      assert.deepEqual(problemsOf('["a/b"]'), ['1:1 : must be an object']);
    });

    it('reports missing models at the object that lacks them', () => {
      assert.deepEqual(problemsOf(file('', '  {', '  "templates": "all"', '}')), [
        '2:3 : missing required property "models"',
      ]);
    });

    it('reports missing templates', () => {
      assert.deepEqual(problemsOf('{"models": ["a/b"]}'), ['1:1 : missing required property "templates"']);
    });

    it('reports values of the wrong type at the value', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": "a/b",',
            '  "templates": "all",',
            '  "repeat": "2",',
            '  "budgetUsd": "1"',
            '}',
          ),
        ),
        [
          '2:13 models: must be an array',
          '4:13 repeat: must be an integer',
          '5:16 budgetUsd: must be a number',
        ],
      );
    });

    it('reports a model that is not a string or is blank at the item', () => {
      assert.deepEqual(problemsOf(file('{', '  "models": [7, " "],', '  "templates": "all"', '}')), [
        '2:14 models[0]: must be a string',
        '2:17 models[1]: must not be blank',
      ]);
    });

    it('reports empty lists of models and templates', () => {
      assert.deepEqual(problemsOf(file('{', '  "models": [],', '  "templates": []', '}')), [
        '2:13 models: must list at least 1 item',
        '3:16 templates: must list at least 1 item',
      ]);
    });

    it('reports a duplicate at the repeated item and names the first', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b", "c/d", "a/b"],', '  "templates": ["x_y", "x_y"]', '}')),
        [
          '2:28 models[2]: "a/b" is listed twice (also at models[0])',
          '3:24 templates[1]: "x_y" is listed twice (also at templates[0])',
        ],
      );
    });

    it('reports an unknown property at its key, at the top and inside options', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "colour": "red",',
            '  "options": { "topP": 1 }',
            '}',
          ),
        ),
        ['4:3 colour: unknown property "colour"', '5:16 options.topP: unknown property "topP"'],
      );
    });

    it('reports repeat 0 and a maxConcurrent of 0', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "repeat": 0,',
            '  "maxConcurrent": 0',
            '}',
          ),
        ),
        ['4:13 repeat: must be >= 1', '5:20 maxConcurrent: must be >= 1'],
      );
    });

    it('reports a temperature out of range on either side and a maxTokens below 1', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "options": {"temperature": 2.5}',
            '}',
          ),
        ),
        ['4:30 options.temperature: must be <= 2'],
      );
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "models": ["a/b"],',
            '  "templates": "all",',
            '  "options": {"temperature": -0.1, "maxTokens": 0}',
            '}',
          ),
        ),
        ['4:30 options.temperature: must be >= 0', '4:49 options.maxTokens: must be >= 1'],
      );
    });

    it('reports a budget that is not above zero', () => {
      assert.deepEqual(problemsOf('{"models": ["a/b"], "templates": "all", "budgetUsd": 0}'), [
        '1:54 budgetUsd: must be > 0',
      ]);
    });

    for (const [outputDir, reason] of [
      ['../elsewhere', 'leaves the workspace'],
      ['generated/../../up', 'leaves the workspace'],
      ['/abs/apps', 'is an absolute path'],
      ['C:\\\\apps', 'is an absolute path'],
      ['a\\\\..\\\\..\\\\b', 'leaves the workspace'],
      ['.appgen/apps', 'is inside .appgen/, which AppGen cleans at start-up'],
      ['.git', "is inside .git/, Git's own folder"],
      ['.', 'is the workspace itself, which holds .appgen/'],
      ['', 'is the workspace itself, which holds .appgen/'],
    ]) {
      it(`refuses an outputDir outside the workspace or in its state: ${JSON.stringify(outputDir)}`, () => {
        assert.deepEqual(
          problemsOf(
            file('{', '  "models": ["a/b"],', '  "templates": "all",', `  "outputDir": "${outputDir}"`, '}'),
          ),
          [
            `4:16 outputDir: must be a folder inside the workspace, outside .appgen/ and .git/: ${JSON.stringify(JSON.parse(`"${outputDir}"`))} ${reason}`,
          ],
        );
      });
    }

    it('gives the outputDir in normal form', () => {
      const parsed = parseBatchFile('{"models": ["a/b"], "templates": "all", "outputDir": "./out//apps/"}');
      assert.equal(parsed.config?.outputDir, 'out/apps');
    });

    for (const model of ['.', '..']) {
      it(`refuses the model ${JSON.stringify(model)}, whose folder would leave the output folder`, () => {
        assert.deepEqual(
          problemsOf(file('{', `  "models": ["a/b", "${model}"],`, '  "templates": "all"', '}')),
          [
            `2:21 models[1]: model "${model}" cannot name a folder: its folder name would be "${model}", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"`,
          ],
        );
      });
    }

    it('refuses a model id too long for a folder name, naming it and the limit', () => {
      const [problem] = problemsOf(`{"models": ["v/${'m'.repeat(300)}"], "templates": "all"}`);
      assert.match(
        problem!,
        /^1:13 models\[0\]: model "v\/m+\.\.\." \(302 characters\) is too long: its folder name would be 302 bytes, at most 255$/,
      );
    });

    it('refuses values nested deeper than 64 levels with one problem, without overflowing the stack', () => {
      const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
      assert.deepEqual(
        problemsOf(`{\n  "models": ["a/b"],\n  "templates": "all",\n  "options": ${deep}\n}`),
        ['4:77 : values are nested deeper than 64 levels'],
      );
    });

    it('counts nesting outside strings and comments only', () => {
      const brackets = '['.repeat(100);
      const parsed = parseBatchFile(
        `// ${brackets}\n/* ${brackets} */ {"models": ["a/b"], "templates": "all", "$schema": "${brackets}"}`,
      );
      assert.deepEqual(parsed.problems, []);
    });

    it('accepts an outputDir with dots that stays inside', () => {
      const parsed = parseBatchFile(
        '{"models": ["a/b"], "templates": "all", "outputDir": "./out/..apps/v1.2"}',
      );
      assert.deepEqual(parsed.problems, []);
    });

    for (const [label, value] of [
      ['a word other than "all"', '"some"'],
      ['a number', '5'],
      ['an object', '{"all": true}'],
    ] as const) {
      it(`reports templates that are ${label}`, () => {
        assert.deepEqual(problemsOf(file('{', '  "models": ["a/b"],', `  "templates": ${value}`, '}')), [
          '3:16 templates: must be "all" or a list of template slugs',
        ]);
      });
    }

    it('reports a template entry that is not a slug at the entry', () => {
      assert.deepEqual(
        problemsOf(file('{', '  "models": ["a/b"],', '  "templates": ["ok", "not a slug"]', '}')),
        ['3:23 templates[1]: is not a template slug (letters, digits, "_" and "-")'],
      );
    });

    it('lists several problems at once, in file order', () => {
      assert.deepEqual(
        problemsOf(
          file(
            '{',
            '  "options": {"temperature": 9},',
            '  "models": [],',
            '  "extra": true,',
            '  "templates": "some",',
            '  "repeat": 0',
            '}',
          ),
        ),
        [
          '2:30 options.temperature: must be <= 2',
          '3:13 models: must list at least 1 item',
          '4:3 extra: unknown property "extra"',
          '5:16 templates: must be "all" or a list of template slugs',
          '6:13 repeat: must be >= 1',
        ],
      );
    });

    it('lists every syntax error, not only the first', () => {
      const problems = problemsOf(file('{', '  "models": ["a/b",', '  "templates": "all"', '}'));
      assert.ok(problems.length >= 2, problems.join('\n'));
      assert.ok(problems.every((p) => p.includes('JSON syntax')));
      assert.equal(problems[0], '3:14 : JSON syntax: comma expected');
    });
  });

  describe('locate', () => {
    it('points at a value found to be wrong later, such as an unknown template', () => {
      const parsed = parseBatchFile(file('{', '  "models": ["a/b"],', '  "templates": ["x", "nope"]', '}'));
      assert.deepEqual(parsed.locate(['templates', 1], 'unknown template "nope"'), {
        line: 3,
        column: 22,
        path: 'templates[1]',
        message: 'unknown template "nope"',
      });
    });

    it('falls back to the nearest existing parent of a missing value', () => {
      const parsed = parseBatchFile(file('{', '  "models": ["a/b"],', '  "templates": "all"', '}'));
      const problem = parsed.locate(['options', 'temperature'], 'x');
      assert.deepEqual([problem.line, problem.column, problem.path], [1, 1, 'options.temperature']);
    });
  });

  describe('formatProblems', () => {
    it('prints one line per problem as file:line:column: path: message', () => {
      assert.equal(
        formatProblems('appgen.batch.json', [
          { line: 1, column: 2, path: '', message: 'JSON syntax: comma expected' },
          { line: 3, column: 4, path: 'models[0]', message: 'must be a string' },
        ]),
        'appgen.batch.json:1:2: JSON syntax: comma expected\nappgen.batch.json:3:4: models[0]: must be a string',
      );
    });
  });
});
