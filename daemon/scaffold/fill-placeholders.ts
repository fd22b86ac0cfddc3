/** Values for `{{name}}` placeholders. */
export type PlaceholderValues = Readonly<Record<string, string | number>>;

// Names only: JSX's `style={{ color: 'red' }}` and similar never look like a placeholder.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces `{{name}}` (spaces inside the braces allowed) with `values[name]`. Placeholders without a
 * value are left exactly as they were, so text meant for a later step or another tool survives.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
