/** A JSON value written as a Python literal (`null` -> `None`, `true` -> `True`). */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  // A JSON string literal is a valid Python string literal with the same value.
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `${JSON.stringify(key)}: ${pythonLiteral(item)}`,
  );
  return `{${entries.join(', ')}}`;
}

const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);

/** `text` as a Python identifier: letters, digits and `_`, never a keyword, never starting with a digit. */
export function pythonName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^(\d)/, '_$1') || '_';
  return KEYWORDS.has(name) ? `${name}_` : name;
}
