/**
 * The API a prompt specifies, as the simulator reads it back: each `### METHOD /api/path` section
 * with its description and its example request and response bodies (the shipped prompts print
 * them as fenced JSON after "Request body (example):" and "Response body (example):"). A prompt
 * without such sections (a workspace's own prompt files) gives its `METHOD /api/...` mentions,
 * without examples.
 */
import type { PromptMessage } from './simulated-reply';

/** One endpoint of the specified API; `request` and `response` are null where no example is given. */
export interface ApiEndpoint {
  method: string;
  path: string;
  description: string;
  request: unknown;
  response: unknown;
}

const MAX_SPEC_ENDPOINTS = 40;
const MAX_NAMED_ENDPOINTS = 12;
const HEADING = /^#{2,4}[ \t]+(GET|POST|PUT|PATCH|DELETE)[ \t]+`?(\/api\/[^\s`]*|\/api)`?[ \t]*$/gm;
const ANY_HEADING = /^#{1,4}[ \t]/m;

/** The endpoints the prompt's sections specify, else those it names. */
export function apiEndpointsIn(messages: readonly PromptMessage[]): ApiEndpoint[] {
  const seen = new Set<string>();
  const found: ApiEndpoint[] = [];
  for (const message of messages) {
    for (const match of message.content.matchAll(HEADING)) {
      const method = match[1]!;
      const path = match[2]!.replace(/\/+$/, '') || '/api';
      const key = `${method} ${path}`;
      if (path === '/api/health' || seen.has(key)) continue;
      seen.add(key);
      const body = sectionBody(message.content, match.index + match[0].length);
      found.push({
        method,
        path,
        description: descriptionOf(body),
        request: exampleAfter(body, 'Request body'),
        response: exampleAfter(body, 'Response body'),
      });
      if (found.length >= MAX_SPEC_ENDPOINTS) return found;
    }
  }
  if (found.length > 0) return found;
  return endpointsIn(messages).map((endpoint) => ({
    ...endpoint,
    description: '',
    request: null,
    response: null,
  }));
}

/** The text of a section: up to the next heading outside a code fence. */
function sectionBody(text: string, start: number): string {
  let inFence = false;
  let offset = start;
  for (const line of text.slice(start).split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    else if (!inFence && ANY_HEADING.test(line)) break;
    offset += line.length + 1;
  }
  return text.slice(start, offset);
}

function descriptionOf(body: string): string {
  const line = body
    .split('\n')
    .map((part) => part.trim())
    .find((part) => part !== '');
  return line && !/^(Request|Response) body/.test(line) ? line : '';
}

/** The JSON example fenced after `label`, or null when there is none (or it does not parse). */
function exampleAfter(body: string, label: string): unknown {
  const at = body.indexOf(`${label} (example):`);
  if (at < 0) return null;
  const fenced = /```(?:json)?\n([\s\S]*?)\n```/.exec(body.slice(at));
  if (!fenced) return null;
  try {
    return JSON.parse(fenced[1]!);
  } catch {
    return null;
  }
}

/**
 * `METHOD /api/...` pairs named in the prompt (also `GET, POST /api/x` lists), health check
 * excluded, at most twelve; a small default resource when there are none.
 */
export function endpointsIn(messages: readonly PromptMessage[]): { method: string; path: string }[] {
  const seen = new Set<string>();
  const endpoints: { method: string; path: string }[] = [];
  const verb = '(?:GET|POST|PUT|PATCH|DELETE)';
  const pattern = new RegExp(
    `\\b(${verb}(?:\\s*,\\s*${verb})*)\\s+[\`'"]?(/api/[A-Za-z0-9_\\-/<>{}:]*)`,
    'g',
  );
  for (const message of messages) {
    for (const match of message.content.matchAll(pattern)) {
      const path = (match[2] as string).replace(/\/+$/, '') || '/api';
      for (const method of (match[1] as string).split(/\s*,\s*/)) {
        const key = `${method} ${path}`;
        if (path === '/api/health' || seen.has(key)) continue;
        seen.add(key);
        endpoints.push({ method, path });
        if (endpoints.length >= MAX_NAMED_ENDPOINTS) return endpoints;
      }
    }
  }
  return endpoints.length > 0
    ? endpoints
    : [
        { method: 'GET', path: '/api/items' },
        { method: 'POST', path: '/api/items' },
      ];
}
