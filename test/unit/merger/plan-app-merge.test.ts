import { strict as assert } from 'node:assert';
import type { FileWrite } from '../../../daemon/merger/file-write';
import { planAppMerge } from '../../../daemon/merger/plan-app-merge';
import { expectDaemonError } from './merger-test-helpers';

const scaffoldPackageJson = `${JSON.stringify(
  { name: 'frontend', private: true, dependencies: { react: '^18.3.1', 'react-dom': '^18.3.1' } },
  null,
  2,
)}\n`;

/** An app as it stands, for `readCurrent`; records what was read. */
function app(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    readCurrent: (path: string) => {
      reads.push(path);
      return Object.hasOwn(files, path) ? files[path] : undefined;
    },
  };
}

const byPath = (writes: FileWrite[]) => new Map(writes.map((w) => [w.path, w.content]));

describe('planAppMerge', () => {
  it("returns the job's writes unchanged when nothing is missing", () => {
    const writes = [
      { path: 'backend/app.py', content: 'import os\n' },
      {
        path: 'frontend/src/App.jsx',
        content: "import React from 'react';\nexport default function App() {}\n",
      },
    ];
    const current = app({ 'frontend/package.json': scaffoldPackageJson });
    assert.deepEqual(planAppMerge({ writes, readCurrent: current.readCurrent }), writes);
  });

  it('adds the export default a frontend main file lacks', () => {
    const writes = [{ path: 'frontend/src/App.jsx', content: 'function App() {\n  return null;\n}\n' }];
    const planned = byPath(planAppMerge({ writes, readCurrent: () => undefined }));
    assert.match(planned.get('frontend/src/App.jsx')!, /\nexport default App;\n$/);
  });

  it('does not touch other frontend files without a default export', () => {
    const writes = [{ path: 'frontend/src/api.js', content: 'export function List() {}\n' }];
    assert.deepEqual(planAppMerge({ writes, readCurrent: () => undefined }), writes);
  });

  describe('requirements.txt', () => {
    it('adds third-party imports missing from the current requirements', () => {
      const writes = [
        {
          path: 'backend/app.py',
          content:
            'import os\nfrom flask import Flask\nfrom flask_cors import CORS\nimport jwt\nfrom werkzeug.security import x\n',
        },
      ];
      const planned = byPath(
        planAppMerge({ writes, ...app({ 'backend/requirements.txt': 'Flask==3.0.0\n' }) }),
      );
      assert.equal(planned.get('backend/requirements.txt'), 'Flask==3.0.0\nFlask-Cors\nPyJWT\n');
    });

    it("skips the app's own modules: written by the job, already in the app, or relative", () => {
      const writes = [
        {
          path: 'backend/app.py',
          content:
            'from models import Todo\nfrom routes.todos import bp\nimport config\nfrom .db import x\nimport bcrypt\n',
        },
        { path: 'backend/models.py', content: 'from database import db\n' },
        { path: 'backend/routes/todos.py', content: 'from flask import Blueprint\nimport helpers\n' },
        { path: 'backend/routes/helpers.py', content: '' },
      ];
      const current = app({ 'backend/config.py': 'DEBUG = True\n', 'backend/database/__init__.py': '' });
      const planned = byPath(planAppMerge({ writes, readCurrent: current.readCurrent }));
      assert.equal(planned.get('backend/requirements.txt'), 'bcrypt\nFlask\n');
    });

    it('does not add a missing module of the app, such as a models without models.py, as a package', () => {
      const writes = [
        {
          path: 'backend/app.py',
          content:
            'from models import Todo\nfrom services.todo_service import done\nimport todo_routes\nimport pydantic\n',
        },
      ];
      const planned = byPath(planAppMerge({ writes, ...app({ 'backend/requirements.txt': 'Flask\n' }) }));
      assert.equal(planned.get('backend/requirements.txt'), 'Flask\npydantic\n');
    });

    it("builds on the job's own requirements.txt rather than the app's", () => {
      const writes = [
        { path: 'backend/requirements.txt', content: 'flask\n' },
        { path: 'backend/app.py', content: 'import flask\nimport requests\n' },
      ];
      const current = app({ 'backend/requirements.txt': 'django\n' });
      const planned = byPath(planAppMerge({ writes, readCurrent: current.readCurrent }));
      assert.equal(planned.get('backend/requirements.txt'), 'flask\nrequests\n');
      assert.ok(!current.reads.includes('backend/requirements.txt'));
    });

    it('leaves requirements.txt out when every import is covered', () => {
      const writes = [{ path: 'backend/app.py', content: 'import flask\nimport json\n' }];
      const planned = planAppMerge({ writes, ...app({ 'backend/requirements.txt': 'flask\n' }) });
      assert.deepEqual(
        planned.map((w) => w.path),
        ['backend/app.py'],
      );
    });

    it('does not scan Python files outside the backend', () => {
      const writes = [{ path: 'frontend/scripts/tool.py', content: 'import numpy\n' }];
      assert.deepEqual(planAppMerge({ writes, readCurrent: () => undefined }), writes);
    });
  });

  describe('package.json', () => {
    it('adds packages the frontend imports and the manifest lacks', () => {
      const writes = [
        {
          path: 'frontend/src/App.jsx',
          content:
            "import React from 'react';\nimport axios from 'axios';\nimport './App.css';\nexport default function App() {}\n",
        },
        { path: 'frontend/src/api/client.js', content: "import { format } from 'date-fns';\n" },
      ];
      const planned = byPath(
        planAppMerge({ writes, ...app({ 'frontend/package.json': scaffoldPackageJson }) }),
      );
      const manifest = JSON.parse(planned.get('frontend/package.json')!);
      assert.deepEqual(Object.keys(manifest.dependencies), ['axios', 'date-fns', 'react', 'react-dom']);
    });

    it('adds the peers a UI kit needs', () => {
      const writes = [
        {
          path: 'frontend/src/App.jsx',
          content: "import Button from '@mui/material/Button';\nexport default Button;\n",
        },
      ];
      const planned = byPath(
        planAppMerge({ writes, ...app({ 'frontend/package.json': scaffoldPackageJson }) }),
      );
      const manifest = JSON.parse(planned.get('frontend/package.json')!);
      for (const pkg of ['@mui/material', '@emotion/react', '@emotion/styled'])
        assert.ok(pkg in manifest.dependencies, pkg);
    });

    it('puts packages only build configuration imports into devDependencies', () => {
      const writes = [
        {
          path: 'frontend/vite.config.js',
          content: "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n",
        },
      ];
      const planned = byPath(
        planAppMerge({ writes, ...app({ 'frontend/package.json': scaffoldPackageJson }) }),
      );
      const manifest = JSON.parse(planned.get('frontend/package.json')!);
      assert.deepEqual(Object.keys(manifest.devDependencies), ['@vitejs/plugin-react', 'vite']);
    });

    it("builds on the job's own package.json", () => {
      const writes = [
        {
          path: 'frontend/package.json',
          content: '{\n  "name": "mine",\n  "dependencies": {"react": "^18.0.0"}\n}\n',
        },
        {
          path: 'frontend/src/main.jsx',
          content: "import React from 'react';\nimport { createRoot } from 'react-dom/client';\n",
        },
      ];
      const planned = byPath(planAppMerge({ writes, readCurrent: () => undefined }));
      const manifest = JSON.parse(planned.get('frontend/package.json')!);
      assert.equal(manifest.name, 'mine');
      assert.equal(manifest.dependencies.react, '^18.0.0');
      assert.ok('react-dom' in manifest.dependencies);
    });
  });

  it('lets a later write to the same path win', () => {
    const writes = [
      { path: 'backend/app.py', content: 'a = 1\n' },
      { path: 'backend/app.py', content: 'b = 2\n' },
    ];
    assert.deepEqual(planAppMerge({ writes, readCurrent: () => undefined }), [
      { path: 'backend/app.py', content: 'b = 2\n' },
    ]);
  });

  it('refuses writes outside the component folders or not in normal form', () => {
    for (const path of [
      '../x',
      'backend/../../x',
      '/etc/passwd',
      'README.md',
      'backend\\app.py',
      '.git/config',
    ]) {
      expectDaemonError(
        () => planAppMerge({ writes: [{ path, content: '' }], readCurrent: () => undefined }),
        'unsafe_path',
      );
    }
  });
});
