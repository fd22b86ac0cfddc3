const HAS_DEFAULT_EXPORT = /\bexport[ \t]+default\b|\bas[ \t]+default\b|\bmodule\.exports\b/;
const NAMED_APP = /\b(?:function[ \t]*(?:\*[ \t]*)?App\b|(?:const|let|var|class)[ \t]+App\b)/;
const CAPITALISED_COMPONENT = /^(?:export[ \t]+)?(?:function|const|let|class)[ \t]+([A-Z][A-Za-z0-9_$]*)/m;

/**
 * Appends `export default <Component>;` to a React main file that has no default export, since
 * the entry point imports it by default. The component is `App` when defined, otherwise the first
 * capitalised top-level function, const or class. Returns the source unchanged when it already
 * exports a default or names no component.
 */
export function ensureExportDefault(source: string): string {
  if (HAS_DEFAULT_EXPORT.test(source)) return source;
  const name = NAMED_APP.test(source) ? 'App' : CAPITALISED_COMPONENT.exec(source)?.[1];
  if (name === undefined) return source;
  const separator = source === '' || source.endsWith('\n') ? '' : '\n';
  return `${source}${separator}\nexport default ${name};\n`;
}
