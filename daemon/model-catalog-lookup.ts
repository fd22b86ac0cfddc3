/**
 * Which model a requested name means (CONTRACT sections 1 and 3): a model id, or the slug of exactly
 * one id. Checked against the server's model list when there is one. Without a list any id is
 * taken, since the server may still know it (offline, or an OpenAI-compatible server without
 * `GET /models`); a slug is then resolved from the models already used in this workspace.
 */
import { closestName } from '../shared/closest-name';
import { modelSlug } from '../shared/model-slug';

/** The ids of a model list, indexed for lookups by id and by slug. */
export interface ModelNames {
  readonly ids: ReadonlySet<string>;
  readonly bySlug: ReadonlyMap<string, readonly string[]>;
}

export type ModelLookup = { ok: true; model: string } | { ok: false; problem: string };

export function indexModelNames(ids: Iterable<string>): ModelNames {
  const unique = new Set(ids);
  const bySlug = new Map<string, string[]>();
  for (const id of unique) {
    const slug = modelSlug(id);
    const same = bySlug.get(slug);
    if (same) same.push(id);
    else bySlug.set(slug, [id]);
  }
  return { ids: unique, bySlug };
}

/** Whether `name` is an id of the list or the slug of one of its ids. */
export function namesModel(names: ModelNames, name: string): boolean {
  return names.ids.has(name) || names.bySlug.has(name);
}

/**
 * Resolves `name` to a model id. `listed` is the server's list, or undefined when it cannot be had;
 * `used` gives the ids this workspace has used (read only when needed: it costs a query).
 */
export function lookupModel(
  name: string,
  listed: ModelNames | undefined,
  used: () => Iterable<string>,
): ModelLookup {
  if (listed) {
    if (listed.ids.has(name)) return { ok: true, model: name };
    const candidates = listed.bySlug.get(name) ?? [];
    if (candidates.length === 1) return { ok: true, model: candidates[0]! };
    if (candidates.length > 1) return ambiguous(name, candidates);
    const close = closestModel(name, listed);
    return {
      ok: false,
      problem: `Unknown model "${name}": it is not in the server's model list${close ? `; did you mean "${close}"?` : ''}`,
    };
  }
  // A slug never has a slash, so a name with one can only be an id.
  if (name.includes('/')) return { ok: true, model: name };
  const known = indexModelNames(used());
  if (known.ids.has(name)) return { ok: true, model: name };
  const candidates = known.bySlug.get(name) ?? [];
  if (candidates.length > 1) return ambiguous(name, candidates);
  return { ok: true, model: candidates[0] ?? name };
}

function ambiguous(name: string, candidates: readonly string[]): ModelLookup {
  const listed = candidates.map((id) => `"${id}"`).join(', ');
  return { ok: false, problem: `Ambiguous model "${name}": it is the slug of ${listed}; give the model id` };
}

/**
 * The listed id `name` most likely meant, if one is close: the same name in other letter case, the
 * only id with the same part after the provider, or the nearest id within a few typos. Names are
 * compared in slug form, so a mistyped slug finds its id too.
 */
export function closestModel(name: string, listed: ModelNames): string | undefined {
  const wanted = modelSlug(name).toLowerCase();
  const ids = [...listed.ids];
  const sameCase = ids.find((id) => modelSlug(id).toLowerCase() === wanted);
  if (sameCase) return sameCase;
  const tail = (text: string) => text.slice(text.indexOf('/') + 1).toLowerCase();
  const wantedTail = tail(name.includes('/') ? name : name.replace('_', '/'));
  const sameTail = ids.filter((id) => tail(id) === wantedTail);
  if (sameTail.length === 1) return sameTail[0];
  return closestName(name, ids, (text) => modelSlug(text).toLowerCase());
}
