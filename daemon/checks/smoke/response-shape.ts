/**
 * Whether an answer has the shape of the template's example response: every key of an example
 * object present with a value of the same JSON type, an example list answered by a list whose
 * items have the first example item's shape, recursively (so the `{"items": [...], "total": n}`
 * list convention is held to, and a bare list in its place is named). A `null` in the answer
 * matches any type (optional fields), a `null` in the example matches anything, and extra keys are
 * fine.
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

/** The first difference between `actual` and `example`, in words, or undefined when it fits. */
export function shapeMismatch(example: unknown, actual: unknown, where = '', depth = 0): string | undefined {
  if (example === null || example === undefined || actual === null || depth > MAX_DEPTH) return undefined;
  const at = where === '' ? 'the body' : `'${where}'`;
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return `${at} is ${typeName(actual)}, expected a list`;
    if (example.length === 0 || actual.length === 0) return undefined;
    return shapeMismatch(example[0], actual[0], `${where}[0]`, depth + 1);
  }
  if (typeof example === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      const keys = Object.keys(example).slice(0, 3).join(', ');
      return `${at} is ${typeName(actual)}, expected an object with ${keys}`;
    }
    for (const [key, value] of Object.entries(example)) {
      const path = where === '' ? key : `${where}.${key}`;
      if (!(key in actual)) return `'${path}' is missing`;
      const mismatch = shapeMismatch(value, (actual as Record<string, unknown>)[key], path, depth + 1);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (typeof actual !== typeof example) return `${at} is ${typeName(actual)}, expected ${typeName(example)}`;
  return undefined;
}
