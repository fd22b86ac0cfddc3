/**
 * Which model a requested name means (CONTRACT sections 1 and 3): a model id, or the slug of exactly
 * one id. Checked against the server's model list when there is one. Without a list any id is
 * taken, since the server may still know it (offline, or an OpenAI-compatible server without
 * `GET /models`); a slug is then resolved from the models already used in this workspace.
 */
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
  // Short names are too easily near each other to guess from.
  const limit = Math.min(3, Math.floor(wanted.length / 4));
  let best: { id: string; distance: number } | undefined;
  for (const id of ids) {
    const distance = editDistance(wanted, modelSlug(id).toLowerCase(), limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { id, distance };
  }
  return best?.id;
}

/** Levenshtein distance, or `limit + 1` as soon as it is known to be above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
