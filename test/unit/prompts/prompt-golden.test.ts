import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { declaredRoutes } from '../../../daemon/prompts/declared-routes';
import { loadTemplates } from '../../../daemon/templates/template-catalog';

// The prompts of the built-in templates, as the daemon sent them before they moved into prompt
// files: the files must give the same bytes.
const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'prompts');
const golden = (...parts: string[]) => readFileSync(join(GOLDEN, ...parts), 'utf8');

describe('prompts of the built-in templates', () => {
  it('are byte for byte the prompts recorded for every built-in template', async () => {
    const { templates } = await loadTemplates({ workspaceDir: 'no-such-workspace-folder' });
    assert.equal(templates.length, 14);
    for (const template of templates) {
      const backend = buildPrompt({ template, component: 'backend' });
      assert.equal(backend.system, golden('system', 'backend.default.txt'));
      assert.equal(backend.user, golden(template.slug, 'backend.user.txt'), template.slug);
      const frontend = buildPrompt({ template, component: 'frontend' });
      assert.equal(frontend.system, golden('system', 'frontend.default.txt'));
      assert.equal(frontend.user, golden(template.slug, 'frontend.user.txt'), template.slug);
      const routed = buildPrompt({
        template,
        component: 'frontend',
        backendRoutes: declaredRoutes(template.api_endpoints),
      });
      assert.equal(routed.user, golden(template.slug, 'frontend-routes.user.txt'), template.slug);
    }
  });

  it('are byte for byte the system prompts recorded for other ports', async () => {
    const { templates } = await loadTemplates({ workspaceDir: 'no-such-workspace-folder' });
    const ports = { backendPort: 6123, frontendPort: 9123 };
    for (const component of ['backend', 'frontend'] as const) {
      const { system } = buildPrompt({ template: templates[0]!, component, ...ports });
      assert.equal(system, golden('system', `${component}.ports-6123-9123.txt`));
    }
  });
});
