import type { Template, TemplateEndpoint } from '../templates/template';
import { mergeByPath, type Route } from './extract-routes';

/**
 * The routes a template's endpoints declare, shaped as if read from a backend's code: what the
 * frontend prompt is shown when no generated backend exists yet (`appgen prompts`).
 */
export function declaredRoutes(endpoints: readonly TemplateEndpoint[]): Route[] {
  return mergeByPath(endpoints.map((e) => ({ path: e.path, methods: [e.method.toUpperCase()] })));
}

/**
 * The routes a backend generated from the template is expected to serve: the health check every
 * backend keeps (the system prompt asks for it), then the public and admin endpoints.
 */
export function expectedRoutes(template: Template): Route[] {
  return declaredRoutes([
    { method: 'GET', path: '/api/health', description: '', request: null, response: null },
    ...template.api_endpoints,
    ...(template.admin_api_endpoints ?? []),
  ]);
}
