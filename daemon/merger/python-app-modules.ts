import { hasKnownDistribution } from './python-distributions';

/**
 * Which missing Python modules a generated backend meant to be its own: `from models import Todo`
 * with no models.py is a file the model forgot (or that the merger lost), not a package to install.
 * Absolute imports cannot say which they are, so names are judged: the module names Flask apps give
 * their own files, and names ending in one of them (`todo_routes`, `user_service`). A name a known
 * distribution owns (see python-distributions.ts) is never taken for the app's own.
 */

const APP_MODULE_NAMES = new Set(
  (
    'api app application auth blueprints common config constants controllers core crud database db ' +
    'decorators endpoints errors exceptions extensions forms handlers helpers middleware models ' +
    'repositories repository resources routes schemas seed serializers services settings storage ' +
    'store tasks utils validation validators views'
  ).split(' '),
);
// Suffixes that mark a module of the app's own layers; `_utils` and `_api` are left out, as real
// distributions end in them (sqlalchemy_utils, flask_api).
const APP_MODULE_SUFFIX =
  /_(?:routes?|models?|views?|services?|schemas?|blueprints?|controllers?|handlers?|repository|repositories|store)$/;

/** Whether an absolute import of `module` (top-level name) most likely means a file of the app. */
export function isLikelyAppModule(module: string): boolean {
  const name = module.toLowerCase();
  if (hasKnownDistribution(module)) return false;
  return APP_MODULE_NAMES.has(name) || APP_MODULE_SUFFIX.test(name);
}
