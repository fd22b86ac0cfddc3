/**
 * Whether an answer has the shape of the template's example response: every key of an example
 * object present with a value of the same JSON type, an example list answered by a list whose
 * items have the first example item's shape, recursively (so the `{"items": [...], "total": n}`
 * list convention is held to, and a bare list in its place is named). A `null` in the answer
 * matches any type (optional fields), a `null` in the example matches anything, and extra keys are
 * fine.
 *
 * An example object whose keys are all data the template's requests send (`{"balances": {"Ada":
 * 20000, "Bob": -10000}}` after a group of Ada and Bob was created) is a map keyed by data, not a
 * record of named fields: the answer must be an object whose values have the example values'
 * type, whatever its keys (an app may name members differently, or list only some).
 */

const MAX_DEPTH = 8;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Whether the example stands for a body that is not JSON (`{"body": "<binary image>"}`). */
export function isNonJsonExample(example: unknown): boolean {
  if (typeof example === 'string') return /^<[^>]+>$/.test(example.trim());
  if (example === null || typeof example !== 'object' || Array.isArray(example)) return false;
  const values = Object.values(example);
  return values.length > 0 && values.every((value) => typeof value === 'string' && /^<binary/i.test(value));
}

/** Every string the examples hold, at any depth: the data a map's keys may be drawn from. */
export function dataWords(examples: readonly unknown[]): Set<string> {
  const words = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') words.add(value);
    else if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item, depth + 1);
    }
  };
  for (const example of examples) visit(example, 0);
  return words;
}

/** Whether an example object is a map keyed by data (see the module comment). */
function isDataKeyed(example: object, words: ReadonlySet<string>): boolean {
  const keys = Object.keys(example);
  return keys.length > 0 && keys.every((key) => words.has(key));
}

/**
 * The first difference between `actual` and `example`, in words, or undefined when it fits.
 * `words`: the strings the template's example requests send (`dataWords`), for maps keyed by data.
 */
export function shapeMismatch(
  example: unknown,
  actual: unknown,
  where = '',
  depth = 0,
  words: ReadonlySet<string> = new Set(),
): string | undefined {
  if (example === null || example === undefined || actual === null || depth > MAX_DEPTH) return undefined;
  const at = where === '' ? 'the body' : `'${where}'`;
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return `${at} is ${typeName(actual)}, expected a list`;
    if (example.length === 0 || actual.length === 0) return undefined;
    return shapeMismatch(example[0], actual[0], `${where}[0]`, depth + 1, words);
  }
  if (typeof example === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      const keys = Object.keys(example).slice(0, 3).join(', ');
      return `${at} is ${typeName(actual)}, expected an object with ${keys}`;
    }
    if (isDataKeyed(example, words)) {
      const [model] = Object.values(example);
      for (const [key, value] of Object.entries(actual)) {
        const path = where === '' ? key : `${where}.${key}`;
        const mismatch = shapeMismatch(model, value, path, depth + 1, words);
        if (mismatch) return mismatch;
      }
      return undefined;
    }
    for (const [key, value] of Object.entries(example)) {
      const path = where === '' ? key : `${where}.${key}`;
      if (!(key in actual)) return `'${path}' is missing`;
      const mismatch = shapeMismatch(value, (actual as Record<string, unknown>)[key], path, depth + 1, words);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (typeof actual !== typeof example) return `${at} is ${typeName(actual)}, expected ${typeName(example)}`;
  return undefined;
}
