import { strict as assert } from 'node:assert';
import { DaemonError } from '../../../daemon/daemon-error';
import {
  DEFAULT_SCAFFOLD_VARS,
  projectNameFor,
  renderScaffold,
  type ScaffoldFile,
} from '../../../daemon/scaffold/render-scaffold';

const EXPECTED_PATHS = [
  '.env',
  'backend/Dockerfile',
  'backend/app.py',
  'backend/requirements.txt',
  'docker-compose.yml',
  'frontend/Dockerfile',
  'frontend/index.html',
  'frontend/nginx.conf',
  'frontend/package.json',
  'frontend/src/App.jsx',
  'frontend/src/main.jsx',
  'frontend/vite.config.js',
];

function fileOf(files: ScaffoldFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `${path} missing`);
  return file.content;
}

describe('renderScaffold', () => {
  const custom = renderScaffold({ backendPort: 5123, frontendPort: 8123, projectName: 'my-app' });
  const defaults = renderScaffold();

  it('renders the backend, frontend and root files, sorted by path', () => {
    assert.deepEqual(
      custom.map((f) => f.path),
      EXPECTED_PATHS,
    );
  });

  it('fills every placeholder', () => {
    for (const file of custom) assert.doesNotMatch(file.content, /\{\{\s*\w+\s*\}\}/, file.path);
  });

  it('uses 5001, 8001 and "app" by default', () => {
    assert.deepEqual(DEFAULT_SCAFFOLD_VARS, { backendPort: 5001, frontendPort: 8001, projectName: 'app' });
    assert.match(fileOf(defaults, '.env'), /^BACKEND_PORT=5001$/m);
    assert.match(fileOf(defaults, '.env'), /^FRONTEND_PORT=8001$/m);
    assert.match(fileOf(defaults, '.env'), /^PROJECT_NAME=app$/m);
    assert.equal(JSON.parse(fileOf(defaults, 'frontend/package.json')).name, 'app');
    assert.match(fileOf(defaults, 'backend/app.py'), /os\.environ\.get\("BACKEND_PORT", "5001"\)/);
    assert.match(fileOf(defaults, 'frontend/vite.config.js'), /process\.env\.FRONTEND_PORT \|\| '8001'/);
  });

  it('takes a missing value from the defaults and the others as given', () => {
    const files = renderScaffold({ frontendPort: 9000 });
    assert.match(fileOf(files, '.env'), /^BACKEND_PORT=5001$/m);
    assert.match(fileOf(files, '.env'), /^FRONTEND_PORT=9000$/m);
  });

  describe('backend', () => {
    const app = fileOf(custom, 'backend/app.py');

    it('app.py creates a Flask app with CORS', () => {
      assert.match(app, /^app = Flask\(__name__\)$/m);
      assert.match(app, /^CORS\(app\)$/m);
    });

    it('app.py answers GET /api/health with {"status": "ok"}', () => {
      assert.match(
        app,
        /@app\.get\("\/api\/health"\)\s+def health\(\):\s+return jsonify\(\{"status": "ok"\}\)/,
      );
    });

    it('app.py turns errors into JSON {"error": ...}', () => {
      assert.match(app, /@app\.errorhandler\(HTTPException\)[\s\S]*jsonify\(\{"error": /);
      assert.match(app, /@app\.errorhandler\(Exception\)[\s\S]*\}\), 500/);
    });

    it('app.py reads its port from BACKEND_PORT, defaulting to the rendered one', () => {
      assert.match(app, /os\.environ\.get\("BACKEND_PORT", "5123"\)/);
    });

    it('requirements.txt lists Flask, Flask-Cors and gunicorn', () => {
      const names = fileOf(custom, 'backend/requirements.txt')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.split(/[<>=!~ ]/)[0]);
      assert.deepEqual(names, ['Flask', 'Flask-Cors', 'gunicorn']);
    });

    it('the Dockerfile runs app:app with gunicorn on the backend port', () => {
      const dockerfile = fileOf(custom, 'backend/Dockerfile');
      assert.match(dockerfile, /BACKEND_PORT=5123/);
      assert.match(dockerfile, /^EXPOSE 5123$/m);
      assert.match(dockerfile, /gunicorn --bind 0\.0\.0\.0:\$\{BACKEND_PORT\}.* app:app/);
    });
  });

  describe('frontend', () => {
    it('package.json is valid JSON with the project name, the dependencies and dev/build scripts', () => {
      const pkg = JSON.parse(fileOf(custom, 'frontend/package.json'));
      assert.equal(pkg.name, 'my-app');
      assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['axios', 'react', 'react-dom']);
      assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ['@vitejs/plugin-react', 'vite']);
      assert.equal(pkg.scripts.dev, 'vite');
      assert.equal(pkg.scripts.build, 'vite build');
    });

    it('vite.config.js serves on the frontend port and proxies /api to the backend port', () => {
      const config = fileOf(custom, 'frontend/vite.config.js');
      assert.match(config, /process\.env\.FRONTEND_PORT \|\| '8123'/);
      assert.match(config, /process\.env\.BACKEND_PORT \|\| '5123'/);
      assert.match(config, /'\/api': \{ target: `http:\/\/localhost:\$\{backendPort\}`/);
    });

    it('index.html loads src/main.jsx into #root', () => {
      const html = fileOf(custom, 'frontend/index.html');
      assert.match(html, /<div id="root"><\/div>/);
      assert.match(html, /<script type="module" src="\/src\/main\.jsx"><\/script>/);
      assert.match(html, /<title>my-app<\/title>/);
    });

    it('main.jsx renders the default export of App.jsx', () => {
      const main = fileOf(custom, 'frontend/src/main.jsx');
      assert.match(main, /^import App from '\.\/App';$/m);
      assert.match(main, /createRoot\(document\.getElementById\('root'\)\)\.render/);
      assert.match(fileOf(custom, 'frontend/src/App.jsx'), /^export default function App\(\)/m);
    });

    it('App.jsx calls the backend with a relative URL through axios', () => {
      const app = fileOf(custom, 'frontend/src/App.jsx');
      assert.match(app, /axios\s*\.get\('\/api\/health'\)/);
      assert.doesNotMatch(app, /localhost|5123/);
    });

    it('nginx.conf serves the build and proxies /api to the backend service', () => {
      const nginx = fileOf(custom, 'frontend/nginx.conf');
      assert.match(nginx, /root \/usr\/share\/nginx\/html;/);
      assert.match(nginx, /location \/api\/ \{\s+proxy_pass http:\/\/backend:5123;/);
      assert.match(nginx, /try_files \$uri \$uri\/ \/index\.html;/);
    });

    it('the Dockerfile builds with node and serves with nginx', () => {
      const dockerfile = fileOf(custom, 'frontend/Dockerfile');
      assert.match(dockerfile, /^FROM node:\S+ AS build$/m);
      assert.match(dockerfile, /^RUN npm run build$/m);
      assert.match(dockerfile, /^COPY nginx\.conf \/etc\/nginx\/conf\.d\/default\.conf$/m);
    });
  });

  describe('root', () => {
    it('docker-compose.yml defines both services with their ports', () => {
      const compose = fileOf(custom, 'docker-compose.yml');
      assert.match(compose, /^name: my-app$/m);
      assert.match(compose, /^ {2}backend:\n {4}build: \.\/backend$/m);
      assert.match(compose, /^ {2}frontend:\n {4}build: \.\/frontend$/m);
      assert.match(compose, /- "\$\{BACKEND_PORT:-5123\}:5123"/);
      assert.match(compose, /- "\$\{FRONTEND_PORT:-8123\}:80"/);
    });

    it('.env holds the ports and the project name', () => {
      assert.deepEqual(
        fileOf(custom, '.env')
          .split('\n')
          .filter((line) => /^[A-Z_]+=/.test(line)),
        ['BACKEND_PORT=5123', 'FRONTEND_PORT=8123', 'PROJECT_NAME=my-app'],
      );
    });
  });

  it('makes the project name acceptable to npm and docker compose', () => {
    const files = renderScaffold({ projectName: 'openai/GPT-4.1 App1' });
    assert.equal(JSON.parse(fileOf(files, 'frontend/package.json')).name, 'openai-gpt-4-1-app1');
    assert.match(fileOf(files, 'docker-compose.yml'), /^name: openai-gpt-4-1-app1$/m);
  });

  it('refuses a port outside 1-65535 with invalid_params', () => {
    for (const backendPort of [0, 65536, 50.5, Number.NaN]) {
      assert.throws(
        () => renderScaffold({ backendPort }),
        (error: unknown) =>
          error instanceof DaemonError &&
          error.code === 'invalid_params' &&
          /backendPort/.test(error.message),
      );
    }
  });
});

describe('projectNameFor', () => {
  it('keeps a name that is already valid', () => {
    assert.equal(projectNameFor('openai_gpt-4o-app1'), 'openai_gpt-4o-app1');
  });

  it('lower-cases and replaces other characters with "-"', () => {
    assert.equal(projectNameFor('My App!'), 'my-app-');
  });

  it('drops leading characters that are not letters or digits', () => {
    assert.equal(projectNameFor('__.hidden'), 'hidden');
  });

  it('falls back to "app" when nothing usable is left', () => {
    assert.equal(projectNameFor('***'), 'app');
    assert.equal(projectNameFor(''), 'app');
  });
});
