/**
 * Turns whatever an OpenAI-compatible server sends as an error into one readable line. Servers
 * (and the providers behind OpenRouter) send `{error: {message}}`, `{error: "..."}`, `{message}`,
 * bare strings, HTML pages, or nest the provider's own error as a JSON string in
 * `error.metadata.raw`; none of them may come out as "[object Object]".
 */
import { htmlText } from './html-text';

/** Longest message kept; error pages can be long. */
export const MAX_MESSAGE_LENGTH = 300;
const MAX_DEPTH = 8;

/** The readable message inside an error value of any shape, or '' when there is none. */
export function extractErrorMessage(value: unknown): string {
  return truncate(collapse(extract(value, 0)));
}

/** Characters of a non-JSON body looked at for its message; the title of a page comes early. */
const MAX_TEXT_SCANNED = 64 * 1024;

/** A readable line from a body that is not JSON: the title or text of an HTML page, or the text. */
export function describeTextBody(text: string): string {
  // Only the start: a page (of up to the response limit) is read for a one-line message.
  const trimmed = text.slice(0, MAX_TEXT_SCANNED).trim();
  if (trimmed === '') return '';
  if (/^<(!doctype|html|head|body)|<\/(html|body|title)>/i.test(trimmed)) {
    return truncate(collapse(decodeEntities(htmlText(trimmed))));
  }
  return truncate(collapse(trimmed));
}

function extract(value: unknown, depth: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return fromString(value, depth);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (depth >= MAX_DEPTH) return '';
  if (Array.isArray(value)) {
    return value
      .map((item) => extract(item, depth + 1))
      .filter((part) => part !== '')
      .join('; ');
  }
  if (typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  if ('error' in record && record.error !== null && record.error !== undefined) {
    const inner = extract(record.error, depth + 1);
    if (inner !== '') return inner;
  }
  const message = firstText(record, ['message', 'detail', 'error_description', 'title', 'msg'], depth);
  const raw = rawProviderMessage(record.metadata, depth);
  const provider = providerName(record.metadata);
  if (message !== '' && raw !== '' && raw !== message) {
    return provider ? `${message} (${provider}: ${raw})` : `${message}: ${raw}`;
  }
  if (message !== '') return message;
  if (raw !== '') return raw;
  return safeJson(record);
}

/** A string may itself be JSON (OpenRouter puts provider errors in `metadata.raw` that way). */
function fromString(text: string, depth: number): string {
  const trimmed = text.trim();
  if (depth < MAX_DEPTH && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    try {
      const inner = extract(JSON.parse(trimmed), depth + 1);
      if (inner !== '') return inner;
    } catch {
      // Not JSON after all: fall through to the text itself.
    }
  }
  return describeTextBody(trimmed);
}

function firstText(record: Record<string, unknown>, keys: string[], depth: number): string {
  for (const key of keys) {
    const found = record[key];
    if (found === undefined || found === null) continue;
    const text = extract(found, depth + 1);
    if (text !== '') return text;
  }
  return '';
}

function rawProviderMessage(metadata: unknown, depth: number): string {
  if (metadata === null || typeof metadata !== 'object') return '';
  const raw = (metadata as Record<string, unknown>).raw;
  return raw === undefined ? '' : extract(raw, depth + 1);
}

function providerName(metadata: unknown): string | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const name = (metadata as Record<string, unknown>).provider_name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined || text === '{}' ? '' : text;
  } catch {
    return '';
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : text;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
