import { strict as assert } from 'node:assert';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { parseTemplate, type Template } from '../../../daemon/templates/template';

function template(overrides: Record<string, unknown> = {}): Template {
  const result = parseTemplate(
    JSON.stringify({
      slug: 'crud_todo_list',
      name: 'Todo List',
      category: 'CRUD',
      description: 'Keep track of things to do.',
      backend_requirements: ['Store todos in SQLite', 'Reject empty titles with 400'],
      frontend_requirements: ['Show the todos', 'Add a todo on Enter'],
      api_endpoints: [
        {
          method: 'GET',
          path: '/api/todos',
          description: 'List todos',
          request: null,
          response: { items: [{ id: 1, title: 'Milk' }], total: 1 },
        },
        {
          method: 'post',
          path: '/api/todos',
          description: 'Create a todo',
          request: { title: 'Milk' },
          response: { id: 1, title: 'Milk', done: false },
        },
      ],
      data_model: { name: 'Todo', fields: { id: 'integer', title: 'string', done: 'boolean' } },
      ...overrides,
    }),
    'crud_todo_list.json',
  );
  assert.ok(result.ok);
  return result.template;
}

const BACKEND_CODE = `
from flask import Flask
app = Flask(__name__)

@app.get("/api/health")
def health(): ...

@app.route("/api/tasks", methods=["GET", "POST"])
def tasks(): ...
`;

describe('buildPrompt', () => {
  describe('backend', () => {
    const { system, user } = buildPrompt({ template: template(), component: 'backend' });

    it('asks for a Flask backend', () => {
      assert.match(system, /Flask/);
      assert.match(system, /backend/);
      assert.match(user, /Write the Flask backend/);
    });

    it('names the app and gives its description', () => {
      assert.match(user, /^# Todo List$/m);
      assert.match(user, /crud_todo_list/);
      assert.match(user, /Keep track of things to do\./);
    });

    it('numbers the backend requirements', () => {
      assert.match(
        user,
        /## Backend requirements\n1\. Store todos in SQLite\n2\. Reject empty titles with 400/,
      );
    });

    it('renders each endpoint with its method, path and pretty-printed JSON bodies', () => {
      assert.match(
        user,
        /### GET \/api\/todos\nList todos\nRequest body: none\nResponse body \(example\):\n```json\n\{\n {2}"items": \[/,
      );
      assert.match(
        user,
        /### POST \/api\/todos\nCreate a todo\nRequest body \(example\):\n```json\n\{\n {2}"title": "Milk"\n\}\n```/,
      );
    });

    it('lists the data model with its field types', () => {
      assert.match(user, /## Data model: Todo\n- id: integer\n- title: string\n- done: boolean/);
    });

    it('states the scaffold conventions', () => {
      assert.match(system, /GET \/api\/health/);
      assert.match(system, /\{"status": "ok"\}/);
      assert.match(system, /\{"items": \[\.\.\.\], "total": n\}/);
      assert.match(system, /\{"error": "message"\}/);
      assert.match(system, /404/);
      assert.match(system, /BACKEND_PORT", 5001/);
    });

    it('describes the output format: fenced blocks carrying paths relative to the backend folder', () => {
      assert.match(system, /```python app\.py/);
      assert.match(system, /relative to the backend folder/);
      assert.match(system, /main file is app\.py/);
      assert.match(system, /added to requirements\.txt automatically/);
    });

    it('uses the backend port it is given', () => {
      const prompt = buildPrompt({ template: template(), component: 'backend', backendPort: 6123 });
      assert.match(prompt.system, /BACKEND_PORT", 6123/);
    });

    it('says when a template lists no endpoints, and leaves out a missing data model', () => {
      const prompt = buildPrompt({
        template: template({ api_endpoints: [], data_model: null }),
        component: 'backend',
      });
      assert.match(prompt.user, /## API endpoints\nThe template lists none/);
      assert.doesNotMatch(prompt.user, /Data model/);
      assert.doesNotMatch(prompt.user, /\n{3}/);
    });

    it('does not ask for frontend files', () => {
      assert.doesNotMatch(system + user, /```jsx|src\/App\.jsx/);
    });
  });

  describe('frontend', () => {
    const { system, user } = buildPrompt({
      template: template(),
      component: 'frontend',
      backendCode: BACKEND_CODE,
    });

    it('asks for a React frontend', () => {
      assert.match(system, /React/);
      assert.match(system, /frontend/);
      assert.match(user, /Write the React frontend/);
    });

    it('numbers the frontend requirements', () => {
      assert.match(user, /## Frontend requirements\n1\. Show the todos\n2\. Add a todo on Enter/);
    });

    it('lists the API the generated backend actually exposes, read from its code', () => {
      assert.match(
        user,
        /## The API the generated backend actually exposes\n.*\n- GET \/api\/health\n- GET, POST \/api\/tasks/,
      );
    });

    it('prefers the routes it is given over reading the code', () => {
      const prompt = buildPrompt({
        template: template(),
        component: 'frontend',
        backendCode: BACKEND_CODE,
        backendRoutes: [{ methods: ['DELETE'], path: '/api/given' }],
      });
      assert.match(prompt.user, /- DELETE \/api\/given/);
      assert.doesNotMatch(prompt.user, /\/api\/tasks/);
    });

    it("falls back to the template's endpoints when no route can be found", () => {
      for (const input of [{ backendCode: 'print("no routes here")' }, {}, { backendRoutes: [] }]) {
        const prompt = buildPrompt({ template: template(), component: 'frontend', ...input });
        assert.doesNotMatch(prompt.user, /actually exposes/);
        assert.match(
          prompt.user,
          /could not be read from its code: use the endpoints of the specification below/,
        );
        assert.match(prompt.user, /### GET \/api\/todos/);
      }
    });

    it('still gives the request and response shapes of the specification', () => {
      assert.match(user, /## API specification \(request and response shapes\)/);
      assert.match(user, /### POST \/api\/todos\nCreate a todo\nRequest body \(example\):\n```json/);
    });

    it('lists the data model', () => {
      assert.match(user, /## Data model: Todo\n- id: integer/);
    });

    it('states the conventions: relative /api URLs with axios, items/total lists, error messages', () => {
      assert.match(system, /axios/);
      assert.match(system, /relative URLs such as \/api\//);
      assert.match(system, /never write a host name or a port/);
      assert.match(system, /response\.data\.items/);
      assert.match(system, /\{"error": "message"\}/);
    });

    it('describes the output format with src/App.jsx as the default-exported main file', () => {
      assert.match(system, /```jsx src\/App\.jsx/);
      assert.match(system, /```jsx src\/components\/ItemList\.jsx/);
      assert.match(system, /export default function App\(\)/);
      assert.match(system, /relative to the frontend folder/);
      assert.match(system, /added to package\.json automatically/);
    });

    it('does not ask for backend files', () => {
      assert.doesNotMatch(system + user, /```python|app\.py/);
    });

    it('mentions the ports it is given', () => {
      const prompt = buildPrompt({
        template: template(),
        component: 'frontend',
        backendPort: 5555,
        frontendPort: 8888,
      });
      assert.match(prompt.system, /port 8888/);
      assert.match(prompt.system, /port 5555/);
    });
  });

  it('is pure: the same input gives the same prompt', () => {
    const input = { template: template(), component: 'frontend' as const, backendCode: BACKEND_CODE };
    assert.deepEqual(buildPrompt(input), buildPrompt(input));
  });

  it('builds prompts for every built-in template', async () => {
    const { loadTemplates } = await import('../../../daemon/templates/template-catalog');
    const { templates } = await loadTemplates({ workspaceDir: 'no-such-workspace-folder' });
    for (const t of templates) {
      for (const component of ['backend', 'frontend'] as const) {
        const { user } = buildPrompt({ template: t, component });
        assert.match(user, new RegExp(`^# ${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
        for (const requirement of t[`${component}_requirements`])
          assert.ok(user.includes(requirement), requirement);
        for (const endpoint of t.api_endpoints)
          assert.ok(user.includes(`### ${endpoint.method} ${endpoint.path}`));
      }
    }
  });
});
