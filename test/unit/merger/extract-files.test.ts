import { strict as assert } from 'node:assert';
import { extractComponentFiles } from '../../../daemon/merger/extract-files';
import { expectDaemonError, fence } from './merger-test-helpers';

const flaskApp = 'from flask import Flask\napp = Flask(__name__)\n';
const reactApp =
  "import React from 'react';\n\nfunction App() {\n  return <h1>Hi</h1>;\n}\n\nexport default App;\n";

describe('extractComponentFiles', () => {
  describe('annotated blocks', () => {
    it('writes a block whose info string names a path, relative to the component folder', () => {
      const answer = `Here:\n\n${fence('jsx src/components/List.jsx', 'export default function List() {}')}`;
      assert.deepEqual(extractComponentFiles('frontend', answer, 'stop'), [
        { path: 'frontend/src/components/List.jsx', content: 'export default function List() {}\n' },
      ]);
    });

    it('understands the usual ways of naming a file', () => {
      const answer = [
        fence('python:app.py', flaskApp),
        fence('python models.py', 'class Todo: pass'),
        fence('python filename=routes/todos.py', 'x = 1'),
        fence('text title="requirements.txt"', 'flask'),
        fence('python', '# file: config.py\nDEBUG = True'),
        fence('', '# utils/helpers.py\ndef h(): pass'),
      ].join('\n');
      const files = extractComponentFiles('backend', answer, 'stop');
      assert.deepEqual(
        files.map((f) => f.path),
        [
          'backend/app.py',
          'backend/models.py',
          'backend/routes/todos.py',
          'backend/requirements.txt',
          'backend/config.py',
          'backend/utils/helpers.py',
        ],
      );
      assert.equal(files[4]!.content, '# file: config.py\nDEBUG = True\n');
    });

    it('does not double a component folder the model already wrote', () => {
      const files = extractComponentFiles('frontend', fence('jsx frontend/src/App.jsx', reactApp), 'stop');
      assert.deepEqual(
        files.map((f) => f.path),
        ['frontend/src/App.jsx'],
      );
    });

    it('puts bare source and stylesheet names of a frontend answer in src/, config and other names at the root', () => {
      const answer = [
        fence('jsx App.jsx', reactApp),
        fence('css index.css', 'body {}'),
        fence('js api.js', 'export const get = () => 1;'),
        fence('js vite.config.js', 'export default {};'),
        fence('js .eslintrc.js', 'module.exports = {};'),
        fence('html index.html', '<div id="root"></div>'),
        fence('json package.json', '{}'),
      ].join('\n');
      assert.deepEqual(
        extractComponentFiles('frontend', answer, 'stop').map((f) => f.path),
        [
          'frontend/src/App.jsx',
          'frontend/src/index.css',
          'frontend/src/api.js',
          'frontend/vite.config.js',
          'frontend/.eslintrc.js',
          'frontend/index.html',
          'frontend/package.json',
        ],
      );
    });

    it('keeps bare names of a backend answer at the backend root', () => {
      assert.deepEqual(
        extractComponentFiles('backend', fence('js api.js', 'x'), 'stop').map((f) => f.path),
        ['backend/api.js'],
      );
    });

    it('writes annotated blocks in any language, empty ones included', () => {
      const answer = `${fence('json package.json', '{"name": "x"}')}${fence('python routes/__init__.py', '')}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/package.json', content: '{"name": "x"}\n' },
        { path: 'backend/routes/__init__.py', content: '' },
      ]);
    });

    it('drops a path comment from a JSON file, where a comment would break it', () => {
      const files = extractComponentFiles(
        'frontend',
        fence('json', '// package.json\n{"name": "x"}'),
        'stop',
      );
      assert.deepEqual(files, [{ path: 'frontend/package.json', content: '{"name": "x"}\n' }]);
    });

    it('lets the last block for a path win', () => {
      const answer = `${fence('python app.py', 'v = 1')}${fence('python app.py', 'v = 2')}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: 'v = 2\n' },
      ]);
    });

    it("does not write a file meant for the other component's folder", () => {
      const answer = `${fence('python backend/app.py', flaskApp)}${fence('python Backend/x.py', 'x')}${fence('jsx src/App.jsx', reactApp)}`;
      assert.deepEqual(
        extractComponentFiles('frontend', answer, 'stop').map((f) => f.path),
        ['frontend/src/App.jsx'],
      );
    });

    it('keeps a URL-encoded "%2e%2e" as a literal name inside the app', () => {
      const files = extractComponentFiles('backend', fence('python %2e%2e/%2e%2e/x.py', 'x = 1'), 'stop');
      assert.deepEqual(
        files.map((f) => f.path),
        ['backend/%2e%2e/%2e%2e/x.py'],
      );
    });
  });

  describe('files named in the prose before a block', () => {
    it('writes every block a heading, bold text, label, list item or sentence names', () => {
      const answer = [
        `### models.py\n\n${fence('python', 'class Todo: pass')}`,
        `**\`routes.py\`**:\n${fence('python', 'bp = None')}`,
        `File: \`backend/config.py\`\n${fence('python', 'DEBUG = True')}`,
        `1. \`seed.py\` - test data:\n\n   ${fence('python', 'seed = 1').replace('\n', '\n   ')}`,
        `Here is the updated \`app.py\`:\n${fence('python', flaskApp)}`,
      ].join('\n');
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/models.py', 'backend/routes.py', 'backend/config.py', 'backend/seed.py', 'backend/app.py'],
      );
    });

    it('lets the info string and the first-line comment win over the prose line', () => {
      const answer = `### a.py\n${fence('python b.py', 'x = 1')}### c.py\n${fence('python', '# file: d.py\ny = 2')}`;
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/b.py', 'backend/d.py'],
      );
    });

    it('keeps a file named in its fence over a later block the prose names the same', () => {
      const answer = `${fence('python app.py', flaskApp)}Add this to \`app.py\`:\n${fence('python', 'app.run()')}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    it('keeps the larger of two blocks the prose names the same, as it does for the main file', () => {
      const snippet = `Then add to \`app.py\`:\n${fence('python', 'app.run()')}`;
      const full = `### app.py\n${fence('python', flaskApp)}`;
      for (const answer of [`${full}${snippet}`, `${snippet}${full}`]) {
        assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
          { path: 'backend/app.py', content: flaskApp },
        ]);
      }
    });

    it('lets a file named in a fence replace an earlier block the prose named the same', () => {
      const answer = `### app.py\n${fence('python', flaskApp)}${fence('python app.py', 'v = 2')}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: 'v = 2\n' },
      ]);
    });

    it('does not take prose for a path when the block cannot be that file', () => {
      const answer = `${fence('python', flaskApp)}Install \`requirements.txt\`:\n${fence('bash', 'pip install -r requirements.txt')}`;
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/app.py'],
      );
    });

    it('reads a path further up than the last prose line as no name', () => {
      const answer = `### models.py\n\nThe data layer.\n\n${fence('python', 'class Todo: pass')}${fence('python app.py', flaskApp)}`;
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/app.py'],
      );
    });

    it('puts a bare frontend source name from prose in src/, like one from a fence', () => {
      const answer = `### App.jsx\n${fence('jsx', reactApp)}**TodoList.jsx**\n${fence('jsx', 'export default function TodoList() {}')}`;
      assert.deepEqual(
        extractComponentFiles('frontend', answer, 'stop').map((f) => f.path),
        ['frontend/src/App.jsx', 'frontend/src/TodoList.jsx'],
      );
    });

    it('refuses an unsafe path named in prose, naming the block', () => {
      const error = expectDaemonError(
        () => extractComponentFiles('backend', `### ../x.py\n\n${fence('python', 'x = 1')}`, 'stop'),
        'unsafe_path',
      );
      assert.match(error.message, /code block at line 3/);
    });

    it('never writes a block from a think section', () => {
      const answer = `<think>\n### models.py\n${fence('python', 'draft = 1')}</think>\n${fence('python', flaskApp)}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    it('does not report a fence left open inside an unclosed think section as a cut-off answer', () => {
      const answer = `${fence('python', flaskApp)}<think>\nMaybe:\n\`\`\`python\nimport`;
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/app.py'],
      );
    });
  });

  describe('unannotated blocks', () => {
    it("makes an unannotated Python block the backend's app.py", () => {
      assert.deepEqual(extractComponentFiles('backend', `Code:\n${fence('python', flaskApp)}Done.`, 'stop'), [
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    for (const language of ['jsx', 'js', 'javascript', 'tsx', 'react', 'JSX']) {
      it(`makes an unannotated ${language} block the frontend's src/App.jsx`, () => {
        assert.deepEqual(extractComponentFiles('frontend', fence(language, reactApp), 'stop'), [
          { path: 'frontend/src/App.jsx', content: reactApp },
        ]);
      });
    }

    it('picks the largest of several unannotated blocks of the main language', () => {
      const answer = [
        fence('python', 'app.run()'),
        fence('python', flaskApp),
        fence('python', 'print(1)'),
      ].join('\nand\n');
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    it('picks the first of equally large unannotated blocks', () => {
      const answer = `${fence('python', 'a = 1')}${fence('python', 'b = 2')}`;
      assert.equal(extractComponentFiles('backend', answer, 'stop')[0]!.content, 'a = 1\n');
    });

    it('lets an annotated main file win over an unannotated snippet', () => {
      const answer = `${fence('python app.py', flaskApp)}Run it with:\n${fence('python', 'from app import app\napp.run(debug=True)')}`;
      assert.deepEqual(extractComponentFiles('backend', answer, 'stop'), [
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    it('ignores unannotated blocks in other languages: shell, JSON, text, CSS', () => {
      const answer = [
        fence('bash', 'pip install flask'),
        fence('json', '{"id": 1}'),
        fence('text', 'flask'),
        fence('python', flaskApp),
        fence('sh', 'rm -rf /'),
      ].join('\n');
      assert.deepEqual(
        extractComponentFiles('backend', answer, 'stop').map((f) => f.path),
        ['backend/app.py'],
      );
    });

    it("does not take a frontend language as the backend's main file, or the other way round", () => {
      expectDaemonError(() => extractComponentFiles('backend', fence('jsx', reactApp), 'stop'), 'no_code');
      expectDaemonError(
        () => extractComponentFiles('frontend', fence('python', flaskApp), 'stop'),
        'no_code',
      );
    });

    it('takes a block without a language tag as the main file when it clearly is the right language', () => {
      assert.deepEqual(
        extractComponentFiles('backend', fence('', flaskApp), 'stop').map((f) => f.path),
        ['backend/app.py'],
      );
      assert.deepEqual(
        extractComponentFiles('frontend', fence('', reactApp), 'stop').map((f) => f.path),
        ['frontend/src/App.jsx'],
      );
    });

    it('ignores a block without a language tag that is not code of the component', () => {
      expectDaemonError(
        () => extractComponentFiles('backend', fence('', 'pip install flask'), 'stop'),
        'no_code',
      );
      expectDaemonError(() => extractComponentFiles('backend', fence('', reactApp), 'stop'), 'no_code');
      expectDaemonError(
        () => extractComponentFiles('frontend', fence('', 'import os\nimport sys'), 'stop'),
        'no_code',
      );
    });

    it('ignores blank unannotated blocks', () => {
      expectDaemonError(() => extractComponentFiles('backend', fence('python', '\n\n'), 'stop'), 'no_code');
    });
  });

  describe('no code', () => {
    it('refuses prose without any block, naming the component', () => {
      const error = expectDaemonError(
        () => extractComponentFiles('backend', 'def f():\n    return 1\n\nThat is the code.', 'stop'),
        'no_code',
      );
      assert.match(error.message, /backend/);
    });

    it('refuses an answer whose only blocks are unusable', () => {
      const error = expectDaemonError(
        () =>
          extractComponentFiles('frontend', `${fence('bash', 'npm install')}${fence('json', '{}')}`, 'stop'),
        'no_code',
      );
      assert.match(error.message, /frontend/);
      assert.match(error.message, /2 code block/);
    });

    it('refuses an empty answer', () => {
      expectDaemonError(() => extractComponentFiles('frontend', '', 'stop'), 'no_code');
    });
  });

  describe('truncation', () => {
    it('refuses an answer cut off at the token limit even when its fences are closed', () => {
      const error = expectDaemonError(
        () => extractComponentFiles('backend', fence('python', flaskApp), 'length'),
        'truncated',
      );
      assert.match(error.message, /length/);
    });

    it('treats finish reason max_tokens as cut off as well', () => {
      expectDaemonError(
        () => extractComponentFiles('backend', fence('python', flaskApp), 'max_tokens'),
        'truncated',
      );
    });

    it('accepts finish reasons stop and null', () => {
      assert.equal(extractComponentFiles('backend', fence('python', flaskApp), null).length, 1);
      assert.equal(extractComponentFiles('backend', fence('python', flaskApp), 'stop').length, 1);
    });

    it('refuses an answer ending inside a block, naming where the block opened', () => {
      const answer = `${fence('python models.py', 'x = 1')}\nNow the app:\n\`\`\`python app.py\nfrom flask import Fl`;
      const error = expectDaemonError(() => extractComponentFiles('backend', answer, 'stop'), 'truncated');
      assert.match(error.message, /line 6/);
    });

    it('refuses an unclosed block with an info string even when it is still empty', () => {
      expectDaemonError(
        () => extractComponentFiles('backend', `${fence('python', flaskApp)}\`\`\`python\n`, 'stop'),
        'truncated',
      );
    });

    it('reads a lone bare fence at the very end as a stray closing fence, not a cut', () => {
      const files = extractComponentFiles('backend', `${fence('python', flaskApp)}\`\`\`\n`, 'stop');
      assert.deepEqual(
        files.map((f) => f.path),
        ['backend/app.py'],
      );
    });

    it('checks truncation before paths, so a cut answer is reported as truncated', () => {
      expectDaemonError(
        () => extractComponentFiles('backend', fence('python ../x.py', 'x'), 'length'),
        'truncated',
      );
    });
  });

  describe('nesting', () => {
    it('writes a markdown file whose longer fence carries inner fences, inner fences included', () => {
      const readme = '# App\n\n```bash\npip install -r requirements.txt\n```\n';
      const answer = `${fence('python', flaskApp)}${fence('markdown README.md', readme, '````')}`;
      const files = extractComponentFiles('backend', answer, 'stop');
      assert.deepEqual(files, [
        { path: 'backend/README.md', content: readme },
        { path: 'backend/app.py', content: flaskApp },
      ]);
    });

    it('looks inside an unannotated markdown block that wraps the whole answer', () => {
      const inner = `Files:\n${fence('python app.py', flaskApp)}${fence('python models.py', 'x = 1')}`;
      const files = extractComponentFiles('backend', fence('markdown', inner, '````'), 'stop');
      assert.deepEqual(
        files.map((f) => f.path),
        ['backend/app.py', 'backend/models.py'],
      );
    });

    it('refuses an unsafe path inside a markdown wrapper', () => {
      const inner = fence('python ../../x.py', 'x = 1');
      expectDaemonError(
        () => extractComponentFiles('backend', fence('md', inner, '````'), 'stop'),
        'unsafe_path',
      );
    });
  });

  describe('hostile paths', () => {
    const hostile = [
      '../x.py',
      'a/../../x.py',
      '..\\x.py',
      'src\\..\\..\\x.py',
      '/abs.py',
      '/etc/passwd',
      'C:\\x.py',
      'c:x.py',
      '\\\\unc\\share\\x.py',
      '.git/hooks/post-checkout',
      '../.appgen/history.sqlite',
      'frontend/../../x.js',
      'backend/../../x.py',
    ];
    for (const path of hostile) {
      it(`refuses ${JSON.stringify(path)} in an info string, whatever else the answer holds`, () => {
        const answer = `${fence('python app.py', flaskApp)}${fence(`python ${path}`, 'evil = True')}`;
        const error = expectDaemonError(
          () => extractComponentFiles('backend', answer, 'stop'),
          'unsafe_path',
        );
        assert.ok(error.message.includes(path.slice(0, 10)), error.message);
        assert.match(error.message, /backend answer, code block at line 5\)/);
      });
    }

    it('refuses unsafe paths in every way of naming a file', () => {
      for (const block of [
        fence('python:../x.py', 'x'),
        fence('python filename=../x.py', 'x'),
        fence('python title="/etc/x.py"', 'x'),
        fence('python', '# file: ../x.py\nx = 1'),
        fence('', '// ../../src/x.js\nx'),
        fence('../../x.py', 'x'),
      ]) {
        expectDaemonError(() => extractComponentFiles('backend', block, 'stop'), 'unsafe_path');
      }
    });

    it('refuses a NUL character in a path', () => {
      expectDaemonError(
        () => extractComponentFiles('backend', fence('python', '# file: app.py\u0000.txt\nx'), 'stop'),
        'unsafe_path',
      );
    });
  });

  describe('large answers', () => {
    it('reads a 1 MB answer with 200 annotated files', () => {
      const body = `${'x = "padding"\n'.repeat(360)}`;
      const parts: string[] = [];
      for (let i = 0; i < 200; i++)
        parts.push(`File ${i}:\n\n${fence(`python pkg/module_${i}.py`, `# ${i}\n${body}`)}\n`);
      const answer = parts.join('');
      assert.ok(answer.length > 1_000_000);
      const files = extractComponentFiles('backend', answer, 'stop');
      assert.equal(files.length, 200);
      assert.equal(files[199]!.path, 'backend/pkg/module_199.py');
      assert.ok(files[199]!.content.startsWith('# 199\n'));
    });

    it('gets through hostile megabyte inputs: fence runs, one huge line, endless comments', () => {
      const tildes = `\`\`\`python app.py\n${'~'.repeat(1_000_000)}\n\`\`\`\n`;
      assert.equal(extractComponentFiles('backend', tildes, 'stop')[0]!.content.length, 1_000_001);
      const backticks = `${fence('python', flaskApp)}${'`'.repeat(1_000_000)}\n`;
      assert.equal(extractComponentFiles('backend', backticks, 'stop')[0]!.path, 'backend/app.py');
      const line = fence('python', `x = "${'a'.repeat(1_000_000)}"`);
      assert.equal(extractComponentFiles('backend', line, 'stop')[0]!.path, 'backend/app.py');
      const comments = fence('python', `#${' '.repeat(1_000_000)}x\n`);
      assert.equal(extractComponentFiles('backend', comments, 'stop')[0]!.path, 'backend/app.py');
      expectDaemonError(() => extractComponentFiles('backend', '~~~\n'.repeat(300_000), 'stop'), 'no_code');
      expectDaemonError(
        () => extractComponentFiles('backend', `~~~python\n${'~~\n'.repeat(300_000)}`, 'stop'),
        'truncated',
      );
    });

    it('gets through lines built to make pattern matching backtrack', () => {
      const spaces = ' '.repeat(100_000);
      expectDaemonError(
        () => extractComponentFiles('frontend', fence('', `import '${spaces}x`), 'stop'),
        'no_code',
      );
      expectDaemonError(
        () => extractComponentFiles('backend', fence('', `import a${spaces}x`), 'stop'),
        'no_code',
      );
      expectDaemonError(
        () => extractComponentFiles('backend', fence('', `# a${spaces}b`), 'stop'),
        'no_code',
      );
      const info = `python file=${spaces}`;
      assert.equal(
        extractComponentFiles('backend', fence(info, flaskApp), 'stop')[0]!.path,
        'backend/app.py',
      );
    });
  });
});
