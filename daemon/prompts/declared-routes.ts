import type { TemplateEndpoint } from '../templates/template';
import { mergeByPath, type Route } from './extract-routes';

/**
 * The routes a template's endpoints declare, shaped as if read from a backend's code: what the
 * frontend prompt is shown when no generated backend exists yet (`appgen prompts`).
 */
export function declaredRoutes(endpoints: readonly TemplateEndpoint[]): Route[] {
  return mergeByPath(endpoints.map((e) => ({ path: e.path, methods: [e.method.toUpperCase()] })));
}
