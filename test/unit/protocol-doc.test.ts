import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotificationType } from 'vscode-jsonrpc';
import { ERROR_CODES } from '../../shared/errors';
import * as P from '../../shared/protocol';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');
const headings = new Set([...doc.matchAll(/^### `([^`]+)`$/gm)].map((match) => match[1]));

describe('docs/protocol.md', () => {
  it('describes every request the daemon answers', () => {
    const requests = P.ALL_REQUESTS.map((request) => request.method);
    for (const method of requests) assert.ok(headings.has(method), `${method} is not described`);
  });

  it('describes every notification the daemon sends', () => {
    const notifications = Object.values(P as Record<string, unknown>)
      .filter((value): value is NotificationType<unknown> => value instanceof NotificationType)
      .map((notification) => notification.method);
    assert.ok(notifications.length >= 3);
    for (const method of notifications) assert.ok(headings.has(method), `${method} is not described`);
    const known = new Set([...P.ALL_REQUESTS.map((request) => request.method), ...notifications]);
    for (const heading of headings) assert.ok(known.has(heading), `${heading} is described but not declared`);
  });

  it('lists every error code', () => {
    for (const code of ERROR_CODES) assert.match(doc, new RegExp(`^\\| \`${code}\` \\|`, 'm'), code);
  });
});
