import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { declaredRoutes } from '../../../daemon/prompts/declared-routes';
import { parseTemplate, type Template } from '../../../daemon/templates/template';

// Thirty templates in the shape of the old tool's: admin requirements and admin endpoints, lists
// numbered by hand in several styles, and fields the prompts do not print.
const DIR = join(__dirname, '..', '..', 'fixtures', 'templates', 'legacy');
const files = readdirSync(DIR).filter((name) => name.endsWith('.json'));

function load(name: string): Template {
  const result = parseTemplate(readFileSync(join(DIR, name), 'utf8'), name);
  assert.ok(result.ok, `${name}: ${result.ok ? '' : result.reason}`);
  return result.template;
}

function prompts(template: Template): { backend: string; frontend: string } {
  const backend = buildPrompt({ template, component: 'backend' }).user;
  const frontend = buildPrompt({
    template,
    component: 'frontend',
    backendRoutes: declaredRoutes([...template.api_endpoints, ...template.admin_api_endpoints]),
  }).user;
  return { backend, frontend };
}

/** The lines of the section under `heading` (up to the next `## `). */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## ${heading}`));
  if (start === -1) return [];
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** The lines of the list under `heading`: up to the first blank line. */
function list(text: string, heading: string): string[] {
  const lines = section(text, heading);
  const end = lines.indexOf('');
  return end === -1 ? lines : lines.slice(0, end);
}

/** Each requirement on a line of its own, numbered once: by the template or by the prompt. */
function assertNumberedOnce(lines: string[], requirements: string[], what: string): void {
  const items = requirements.map((r) => r.trim()).filter((r) => r !== '');
  const listed = lines;
  assert.equal(listed.length, items.length, `${what}: ${listed.join(' / ')}`);
  items.forEach((text, i) => {
    const line = listed[i] as string;
    assert.ok(line === text || line === `${i + 1}. ${text}`, `${what}: "${line}" for "${text}"`);
    assert.doesNotMatch(line, /^\d+\. (?:\(?\d+[.)]|\(?[a-z]\)|#\d|step \d|requirement \d)/i, what);
  });
}

describe('templates of the old tool', () => {
  it('are thirty, and cover admin sections, numbered lists and extra fields', () => {
    assert.equal(files.length, 30);
    const templates = files.map(load);
    const withAdmin = templates.filter((t) => t.admin_requirements.length + t.admin_api_endpoints.length > 0);
    assert.ok(withAdmin.length >= 20, `${withAdmin.length} with admin sections`);
    const numbered = templates.filter((t) =>
      /^(?:\(?\d|[a-z]\)|step \d|#\d|requirement \d)/i.test(t.backend_requirements[0] ?? ''),
    );
    assert.ok(numbered.length >= 8, `${numbered.length} numbered by hand`);
  });

  for (const name of files) {
    it(`${name}: renders its admin sections and numbers each requirement once`, () => {
      const template = load(name);
      const { backend, frontend } = prompts(template);

      assertNumberedOnce(list(backend, 'Backend requirements'), template.backend_requirements, 'backend');
      assertNumberedOnce(list(frontend, 'Frontend requirements'), template.frontend_requirements, 'frontend');
      assertNumberedOnce(
        list(backend, 'Frontend requirements (for context only'),
        template.frontend_requirements,
        'frontend in the backend prompt',
      );

      if (template.admin_requirements.length > 0) {
        for (const text of [backend, frontend]) {
          assertNumberedOnce(list(text, 'Admin requirements'), template.admin_requirements, 'admin');
        }
      } else {
        assert.doesNotMatch(backend + frontend, /^## Admin requirements/m);
      }

      const adminEndpoints = template.admin_api_endpoints.map(
        (e) => `### ${e.method.toUpperCase()} ${e.path}`,
      );
      if (adminEndpoints.length > 0) {
        assert.deepEqual(
          section(backend, 'Admin API endpoints').filter((l) => l.startsWith('### ')),
          adminEndpoints,
        );
        assert.deepEqual(
          section(frontend, 'Admin API specification').filter((l) => l.startsWith('### ')),
          adminEndpoints,
        );
        // The frontend is told the backend serves them.
        for (const endpoint of template.admin_api_endpoints) {
          assert.match(
            section(frontend, 'The API the generated backend').join('\n'),
            new RegExp(`\\b${endpoint.method}\\b.* ${escapeRegExp(endpoint.path)}$`, 'm'),
          );
        }
      } else {
        assert.doesNotMatch(backend + frontend, /^## Admin API/m);
      }
      // The public endpoints stay where they were, and the admin ones are not mixed into them.
      assert.deepEqual(
        section(backend, 'API endpoints').filter((l) => l.startsWith('### ')),
        template.api_endpoints.map((e) => `### ${e.method.toUpperCase()} ${e.path}`),
      );
    });
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
