import { strict as assert } from 'node:assert';
import { checkAppImports } from '../../../daemon/merger/import-check';
import { isLikelyAppModule } from '../../../daemon/merger/python-app-modules';
import { renderScaffold } from '../../../daemon/scaffold/render-scaffold';
import type { JobWarning } from '../../../shared/job';

const scaffold = new Map(renderScaffold().map((file) => [file.path, file.content]));

/** The warnings of the scaffold (or `current`) under `files`, as `code file:line` strings. */
function check(files: Record<string, string>, current: ReadonlyMap<string, string> = scaffold): string[] {
  return brief(
    checkAppImports({
      files: Object.entries(files).map(([path, content]) => ({ path, content })),
      readCurrent: (path) => current.get(path),
    }),
  );
}

function brief(warnings: JobWarning[]): string[] {
  return warnings.map((w) => `${w.code} ${w.file}:${w.line}`);
}

const packageJson = (dependencies: Record<string, string>) =>
  JSON.stringify({ name: 'x', dependencies, devDependencies: { vite: '^5', '@vitejs/plugin-react': '^4' } });

describe('checkAppImports', () => {
  it('finds nothing wrong with the scaffold alone', () => {
    assert.deepEqual(check({}), []);
  });

  describe('Python', () => {
    it('resolves absolute imports of the app against the backend folder, beside the importer too', () => {
      assert.deepEqual(
        check({
          'backend/app.py': 'from models import db\nimport routes.todos\nfrom services import todo_service\n',
          'backend/models.py': 'db = None\n',
          'backend/routes/todos.py': 'from helpers import slug\n',
          'backend/routes/helpers.py': 'def slug(): pass\n',
          'backend/services/__init__.py': '',
        }),
        [],
      );
    });

    it('reports a missing module of the app with its file and line, once per file', () => {
      const warnings = checkAppImports({
        files: [
          {
            path: 'backend/app.py',
            content: 'import os\n\nfrom models import Todo\nfrom models import db\n',
          },
        ],
        readCurrent: (path) => scaffold.get(path),
      });
      assert.deepEqual(brief(warnings), ['unresolved_import backend/app.py:3']);
      assert.match(warnings[0]!.message, /backend\/app\.py line 3 imports "models".*no backend\/models\.py/);
    });

    it('reports a missing module inside a package the app has', () => {
      assert.deepEqual(
        check({ 'backend/app.py': 'from routes.users import bp\n', 'backend/routes/todos.py': 'x = 1\n' }),
        ['unresolved_import backend/app.py:1'],
      );
    });

    it('resolves relative imports against the importing package, and reports missing ones', () => {
      assert.deepEqual(
        check({
          'backend/api/__init__.py':
            'from . import todos\nfrom .models import Todo\nfrom ..config import X\n',
          'backend/api/todos.py': 'from .missing import y\n',
          'backend/api/models.py': 'from .. import app\nfrom .. import nothing\n',
          'backend/config.py': 'X = 1\n',
        }),
        ['unresolved_import backend/api/models.py:2', 'unresolved_import backend/api/todos.py:1'],
      );
    });

    it('accepts `from . import name` from a package whose __init__.py may define it', () => {
      assert.deepEqual(
        check({ 'backend/api/__init__.py': 'name = 1\n', 'backend/api/x.py': 'from . import name\n' }),
        [],
      );
    });

    it('reports a relative import that leaves the backend folder', () => {
      assert.deepEqual(check({ 'backend/app.py': 'from ..x import y\n' }), [
        'unresolved_import backend/app.py:1',
      ]);
    });

    it('raises no alarm for the standard library, packages Flask installs, or declared packages', () => {
      assert.deepEqual(
        check({
          'backend/app.py':
            'import os, json, sqlite3\nfrom datetime import datetime\nfrom werkzeug.security import x\nimport jinja2\nimport requests\nfrom flask_sqlalchemy import SQLAlchemy\nimport yaml\n',
          'backend/requirements.txt': 'Flask\nflask-cors\nrequests==2.32.0\nFlask_SQLAlchemy>=3\nPyYAML\n',
        }),
        [],
      );
    });

    it('reports a third-party package requirements.txt does not list, by its distribution name', () => {
      const warnings = checkAppImports({
        files: [{ path: 'backend/app.py', content: 'import flask\nimport jwt\n' }],
        readCurrent: (path) => scaffold.get(path),
      });
      assert.deepEqual(brief(warnings), ['undeclared_dependency backend/app.py:2']);
      assert.match(warnings[0]!.message, /PyJWT/);
    });

    it('needs some <namespace>-... requirement for a shared namespace such as google', () => {
      const app = { 'backend/app.py': 'from google.cloud import storage\n' };
      assert.deepEqual(check(app), ['undeclared_dependency backend/app.py:1']);
      assert.deepEqual(check({ ...app, 'backend/requirements.txt': 'Flask\ngoogle-cloud-storage\n' }), []);
    });

    it('ignores imports in strings and comments', () => {
      assert.deepEqual(check({ 'backend/app.py': '"""\nimport models\n"""\n# from routes import x\n' }), []);
    });
  });

  describe('JavaScript', () => {
    it("resolves relative imports as Vite does: as written, with an extension, or a folder's index", () => {
      assert.deepEqual(
        check({
          'frontend/src/App.jsx':
            "import List from './components/List';\nimport { get } from './api';\nimport u from './utils';\nimport './App.css';\nimport t from './types.ts';\nimport data from './data.json';\n",
          'frontend/src/components/List.jsx': "import Item from './Item';\nimport { get } from '../api';\n",
          'frontend/src/components/Item.tsx': 'export default 1;\n',
          'frontend/src/api.js': 'export const get = 1;\n',
          'frontend/src/utils/index.js': 'export default 1;\n',
          'frontend/src/App.css': '',
          'frontend/src/types.ts': '',
          'frontend/src/data.json': '{}',
        }),
        [],
      );
    });

    it('reports missing local files, also out of the frontend folder', () => {
      assert.deepEqual(
        check({
          'frontend/src/App.jsx':
            "import TodoList from './components/TodoList';\nimport x from '../../backend/x';\nimport s from '/src/store';\n",
        }),
        [
          'unresolved_import frontend/src/App.jsx:1',
          'unresolved_import frontend/src/App.jsx:2',
          'unresolved_import frontend/src/App.jsx:3',
        ],
      );
    });

    it('never reads outside the component folders, whatever the imports say', () => {
      const reads: string[] = [];
      const warnings = checkAppImports({
        files: [
          {
            path: 'frontend/src/App.jsx',
            content:
              "import a from '../../../../etc/passwd';\nimport b from '/../../x';\nimport c from '../../.appgen/x';\n",
          },
          { path: 'frontend/index.html', content: '<script type="module" src="/../../../x.js"></script>\n' },
        ],
        readCurrent: (path) => {
          reads.push(path);
          return scaffold.get(path);
        },
      });
      assert.equal(warnings.length, 4);
      assert.ok(warnings.every((w) => w.code === 'unresolved_import'));
      assert.ok(
        reads.every((path) => /^(?:backend|frontend)\//.test(path) && !path.split('/').includes('..')),
        reads.join('\n'),
      );
    });

    it('follows local imports into files the app already had, and reports what those miss', () => {
      const current = new Map(scaffold);
      current.set('frontend/src/components/List.jsx', "import Item from './Item';\n");
      assert.deepEqual(
        check({ 'frontend/src/App.jsx': "import List from './components/List';\n" }, current),
        ['unresolved_import frontend/src/components/List.jsx:1'],
      );
    });

    it('reports packages package.json does not list; declared ones, aliases, built-ins and URLs are fine', () => {
      assert.deepEqual(
        check({
          'frontend/src/App.jsx':
            "import axios from 'axios';\nimport { createRoot } from 'react-dom/client';\nimport dayjs from 'dayjs';\nimport z from '@/z';\nimport fs from 'node:fs';\nimport u from 'https://x.test/u.js';\nconst r = require('lodash/debounce');\n",
          'frontend/package.json': packageJson({ axios: '^1', react: '^18', 'react-dom': '^18' }),
        }),
        ['undeclared_dependency frontend/src/App.jsx:3', 'undeclared_dependency frontend/src/App.jsx:7'],
      );
    });

    it('gives one warning naming every imported package when package.json cannot be read', () => {
      const warnings = checkAppImports({
        files: [
          { path: 'frontend/package.json', content: '{ "dependencies": { "react": "^18", } }' },
          {
            path: 'frontend/src/App.jsx',
            content: "import dayjs from 'dayjs';\nimport React from 'react';\n",
          },
        ],
        readCurrent: (path) => scaffold.get(path),
      });
      assert.deepEqual(brief(warnings), ['undeclared_dependency frontend/package.json:undefined']);
      assert.equal(
        warnings[0]!.message,
        'frontend/package.json is not valid JSON, so none of the packages the frontend imports is declared: ' +
          '@vitejs/plugin-react, dayjs, react, react-dom, vite.',
      );
    });
  });

  it('reports a script of index.html that the app does not have', () => {
    const html = scaffold.get('frontend/index.html')!.replace('/src/main.jsx', '/src/main.tsx');
    assert.deepEqual(check({ 'frontend/index.html': html }), ['unresolved_import frontend/index.html:10']);
  });

  it('lists at most 50 warnings, the last saying how many more there are', () => {
    const source = Array.from({ length: 60 }, (_, i) => `import x${i} from './x${i}';`).join('\n');
    const warnings = checkAppImports({
      files: [{ path: 'frontend/src/App.jsx', content: source }],
      readCurrent: (path) => scaffold.get(path),
    });
    assert.equal(warnings.length, 50);
    assert.match(warnings[49]!.message, /^11 more/);
  });

  it('checks an app of 200 files in a few milliseconds', () => {
    const files = [];
    for (let i = 0; i < 100; i++) {
      files.push({ path: `backend/pkg/m${i}.py`, content: `import os\nfrom pkg import m${(i + 1) % 100}\n` });
      files.push({ path: `frontend/src/c${i}.jsx`, content: `import C from './c${(i + 1) % 100}';\n` });
    }
    // CPU time, best of five: the wall clock of a shared machine measures its other work too.
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const before = process.cpuUsage();
      const warnings = checkAppImports({ files, readCurrent: (path) => scaffold.get(path) });
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
      assert.deepEqual(warnings, []);
    }
    assert.ok(best < 20, `${best} ms`);
  });
});

describe('isLikelyAppModule', () => {
  it('takes the names Flask apps give their own modules for the app', () => {
    for (const name of ['models', 'routes', 'database', 'config', 'todo_routes', 'user_service', 'Schemas']) {
      assert.ok(isLikelyAppModule(name), name);
    }
  });

  it('never takes a package for the app', () => {
    for (const name of ['flask', 'requests', 'pydantic', 'sqlalchemy_utils', 'flask_api', 'marshmallow']) {
      assert.ok(!isLikelyAppModule(name), name);
    }
  });
});
