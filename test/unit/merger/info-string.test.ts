import { strict as assert } from 'node:assert';
import { extensionOf, looksLikePath, parseInfoString } from '../../../daemon/merger/info-string';
import { readPathComment } from '../../../daemon/merger/path-comment';

describe('parseInfoString', () => {
  const cases: Array<[string, { language: string; path?: string }]> = [
    ['', { language: '' }],
    ['python', { language: 'python' }],
    ['Python', { language: 'python' }],
    ['jsx src/components/List.jsx', { language: 'jsx', path: 'src/components/List.jsx' }],
    ['python:app.py', { language: 'python', path: 'app.py' }],
    ['python app.py', { language: 'python', path: 'app.py' }],
    ['js filename=x.js', { language: 'js', path: 'x.js' }],
    ['js filename="src/x.js"', { language: 'js', path: 'src/x.js' }],
    ["python title='app.py'", { language: 'python', path: 'app.py' }],
    ['jsx {1,3} title="src/App.jsx"', { language: 'jsx', path: 'src/App.jsx' }],
    ['python title="Backend code"', { language: 'python' }],
    ['python filename="my app.py"', { language: 'python', path: 'my app.py' }],
    ['filename=src/api.js', { language: 'js', path: 'src/api.js' }],
    ['file:models.py', { language: 'py', path: 'models.py' }],
    ['src/App.jsx', { language: 'jsx', path: 'src/App.jsx' }],
    ['requirements.txt', { language: 'txt', path: 'requirements.txt' }],
    ['text requirements.txt', { language: 'text', path: 'requirements.txt' }],
    ['python {1,3}', { language: 'python' }],
    ['python 3.11', { language: 'python' }],
    ['bash', { language: 'bash' }],
    ['python:', { language: 'python' }],
    ['{.python}', { language: 'python' }],
    ['python "app.py"', { language: 'python', path: 'app.py' }],
    ['js see https://example.com/x.js', { language: 'js' }],
    ['python ../../etc/x.py', { language: 'python', path: '../../etc/x.py' }],
    ['c:foo', { language: 'c', path: 'foo' }],
    ['C:\\x', { language: 'c', path: '\\x' }],
  ];
  for (const [info, expected] of cases) {
    it(`reads ${JSON.stringify(info)}`, () => {
      assert.deepEqual(parseInfoString(info), expected);
    });
  }

  it('takes only the language from an absurdly long info string', () => {
    assert.deepEqual(parseInfoString(`python ${'x'.repeat(5000)}.py`), { language: 'python' });
    assert.deepEqual(parseInfoString(`${'x/'.repeat(5000)}.py`), { language: '' });
  });
});

describe('looksLikePath', () => {
  it('takes words with separators or file extensions', () => {
    for (const word of ['app.py', 'src/App', 'a\\b', '.env', '"x.js"']) assert.ok(looksLikePath(word), word);
  });

  it('rejects version numbers, options, URLs and plain words', () => {
    for (const word of ['3.11', '{1,3}', 'a=b.js', 'http://x/y.js', 'python', '']) {
      assert.ok(!looksLikePath(word), word);
    }
  });
});

describe('extensionOf', () => {
  it('returns the lower-case extension of the last segment', () => {
    assert.equal(extensionOf('src/App.JSX'), 'jsx');
    assert.equal(extensionOf('a.b/Makefile'), '');
    assert.equal(extensionOf('.env'), '');
  });
});

describe('readPathComment', () => {
  const found: Array<[string, string]> = [
    ['# file: app.py\nimport os\n', 'app.py'],
    ['# File: routes/todos.py\n', 'routes/todos.py'],
    ['// src/App.jsx\nimport React from "react";\n', 'src/App.jsx'],
    ['/* src/App.css */\nbody {}\n', 'src/App.css'],
    ['<!-- index.html -->\n<html></html>\n', 'index.html'],
    ['\n\n# models.py\n', 'models.py'],
    ['# path: Dockerfile\nFROM python\n', 'Dockerfile'],
    ['# ../../evil.py\n', '../../evil.py'],
  ];
  for (const [content, path] of found) {
    it(`reads ${JSON.stringify(path)} from ${JSON.stringify(content.split('\n').find((l) => l !== ''))}`, () => {
      assert.equal(readPathComment(content)?.path, path);
    });
  }

  const ignored = [
    '# Flask backend for the todo app\n',
    '# /api/todos\n',
    '// Main component\n',
    '#!/usr/bin/env python\n',
    '#!/usr/bin/python3\n',
    'import os  # app.py\n',
    '# -*- coding: utf-8 -*-\n',
    '// version 1.2\n',
    '',
  ];
  for (const content of ignored) {
    it(`takes no path from ${JSON.stringify(content)}`, () => {
      assert.equal(readPathComment(content), undefined);
    });
  }

  it('gives the end of the comment line so it can be dropped', () => {
    const content = '// package.json\n{"a": 1}\n';
    const comment = readPathComment(content)!;
    assert.equal(content.slice(comment.end), '{"a": 1}\n');
  });
});
