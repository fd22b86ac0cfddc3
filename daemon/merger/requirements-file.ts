import { normaliseDistributionName } from './python-distributions';

const REQUIREMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*/;
const EGG_NAME = /#egg=([A-Za-z0-9][A-Za-z0-9._-]*)/;

/**
 * Adds to a requirements.txt text the distributions it does not list yet, one per line at the end,
 * leaving every existing line as it is. Names compare in normal form, so `flask==3.0` or
 * `FLASK>=2` already satisfy `Flask`. Returns the new text, or undefined when nothing is missing.
 */
export function addRequirements(
  current: string | undefined,
  distributions: readonly string[],
): string | undefined {
  const listed = listedRequirements(current ?? '');
  const missing: string[] = [];
  for (const name of distributions) {
    const key = normaliseDistributionName(name);
    if (listed.has(key)) continue;
    listed.add(key);
    missing.push(name);
  }
  if (missing.length === 0) return undefined;
  const base = current ?? '';
  const separator = base === '' || base.endsWith('\n') ? '' : '\n';
  return `${base}${separator}${missing.join('\n')}\n`;
}

/** The normalised names a requirements.txt text lists (editable and URL requirements included). */
export function listedRequirements(text: string): Set<string> {
  const names = new Set<string>();
  for (const rawLine of text.split('\n')) {
    const egg = EGG_NAME.exec(rawLine);
    if (egg !== null) {
      names.add(normaliseDistributionName(egg[1]!));
      continue;
    }
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    // Options (`-r other.txt`, `--index-url ...`) name no requirement.
    if (line === '' || line.startsWith('-')) continue;
    const name = REQUIREMENT_NAME.exec(line);
    if (name !== null) names.add(normaliseDistributionName(name[0]));
  }
  return names;
}
