import { strict as assert } from 'node:assert';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { apiEndpointsIn } from '../../../daemon/simulator/api-spec';
import { builtinTemplates } from '../../../daemon/templates/builtin-templates';
import type { Template } from '../../../daemon/templates/template';
import { validateTemplate } from '../../../daemon/templates/validate-template';

function builtin(slug: string): Template {
  const file = builtinTemplates.find((candidate) => candidate.fileName === `${slug}.json`)!;
  const parsed = validateTemplate(file.data, file.fileName);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.template;
}

function backendMessages(template: Template): { role: string; content: string }[] {
  const prompt = buildPrompt({ template, component: 'backend' });
  return [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
}

describe('the API a prompt specifies, as the simulator reads it', () => {
  it('reads every endpoint of a shipped backend prompt with its description and example bodies', () => {
    for (const slug of ['markdown_notes', 'file_upload_gallery', 'auth_user_login']) {
      const template = builtin(slug);
      const read = apiEndpointsIn(backendMessages(template));
      assert.deepEqual(
        read,
        template.api_endpoints.map(({ method, path, description, request, response }) => ({
          method,
          path,
          description,
          request,
          response,
        })),
        slug,
      );
    }
  });

  it('ends a section at the next heading, and takes no example from the section after it', () => {
    const content = [
      '### DELETE /api/notes/<id>',
      'Delete a note',
      'Request body: none',
      'Response body: not specified',
      '',
      '## Data model: Note',
      'Response body (example):',
      '```json',
      '{"id": 1}',
      '```',
    ].join('\n');
    assert.deepEqual(apiEndpointsIn([{ role: 'user', content }]), [
      {
        method: 'DELETE',
        path: '/api/notes/<id>',
        description: 'Delete a note',
        request: null,
        response: null,
      },
    ]);
  });

  it('keeps an example that does not parse out, and the health check out of the API', () => {
    const content = [
      '### GET /api/health',
      '### POST /api/items',
      'Request body (example):',
      '```json',
      '{"title": ',
      '```',
    ].join('\n');
    assert.deepEqual(apiEndpointsIn([{ role: 'user', content }]), [
      { method: 'POST', path: '/api/items', description: '', request: null, response: null },
    ]);
  });

  it('falls back to the endpoints a prompt of its own names, without examples', () => {
    const content = 'Serve GET, POST /api/books and DELETE /api/books/<id>.';
    assert.deepEqual(
      apiEndpointsIn([{ role: 'user', content }]).map((endpoint) => `${endpoint.method} ${endpoint.path}`),
      ['GET /api/books', 'POST /api/books', 'DELETE /api/books/<id>'],
    );
  });
});
