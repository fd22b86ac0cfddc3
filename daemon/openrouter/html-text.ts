/**
 * The readable text of an HTML error page: its title, else its first heading, else the page without
 * scripts, styles and tags. Found with plain searches, each character looked at a bounded number
 * of times: the page comes from a server, and a pattern that backtracks over unclosed tags would
 * take seconds on a page of a few tens of kilobytes.
 */
export function htmlText(html: string): string {
  const lower = html.toLowerCase();
  const source =
    elementText(html, lower, 'title') ?? elementText(html, lower, 'h1') ?? withoutCode(html, lower);
  return source.replace(/<[^<>]*>/g, ' ');
}

/** The text between the first `<tag ...>` and the `</tag>` after it, if both are there. */
function elementText(html: string, lower: string, tag: string): string | undefined {
  const open = lower.indexOf(`<${tag}`);
  if (open < 0) return undefined;
  const openEnd = lower.indexOf('>', open);
  if (openEnd < 0) return undefined;
  const close = lower.indexOf(`</${tag}>`, openEnd);
  return close < 0 ? undefined : html.slice(openEnd + 1, close);
}

/** The page without `<script>` and `<style>` elements; an unclosed one takes the rest of the page. */
function withoutCode(html: string, lower: string): string {
  const next = { script: -1, style: -1 };
  let out = '';
  let from = 0;
  for (;;) {
    // Each tag's next position is searched for again only once it has been passed.
    for (const tag of ['script', 'style'] as const) {
      if (next[tag] !== Number.POSITIVE_INFINITY && next[tag] < from) {
        const found = lower.indexOf(`<${tag}`, from);
        next[tag] = found < 0 ? Number.POSITIVE_INFINITY : found;
      }
    }
    const tag = next.script <= next.style ? 'script' : 'style';
    const start = next[tag];
    if (start === Number.POSITIVE_INFINITY) return out + html.slice(from);
    out += `${html.slice(from, start)} `;
    const close = lower.indexOf(`</${tag}>`, start);
    if (close < 0) return out;
    from = close + tag.length + 3;
  }
}
