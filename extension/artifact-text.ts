/**
 * A model call's artifacts as a person reads them: the request as Markdown (each message under its
 * role) and the answer's text assembled from the raw response, streamed (`data:` lines of SSE) or
 * not (one JSON body). Pure.
 */

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

/** The prompt that was sent: model, options, then each message under its role. */
export function promptMarkdown(title: string, requestJson: string): string {
  let request: { model?: unknown; messages?: unknown; [key: string]: unknown };
  try {
    request = JSON.parse(requestJson);
  } catch {
    return `# ${title}\n\nThe request file is not JSON:\n\n\`\`\`\`text\n${requestJson}\n\`\`\`\`\n`;
  }
  const lines = [`# ${title}`, ''];
  if (typeof request.model === 'string') lines.push(`Model: \`${request.model}\``);
  for (const key of ['temperature', 'max_tokens']) {
    if (request[key] !== undefined) lines.push(`${key}: ${JSON.stringify(request[key])}`);
  }
  const messages = Array.isArray(request.messages) ? (request.messages as ChatMessage[]) : [];
  for (const message of messages) {
    const role = typeof message.role === 'string' ? message.role : 'message';
    const content = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
    lines.push('', `## ${role}`, '', fenced(content));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The answer's text: content deltas of a stream joined, or the message of a JSON body. Reasoning
 * a model streamed separately is left out; an error the server sent is said at the end.
 */
export function answerText(raw: string): { text: string; error?: string } {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed);
      const content = body?.choices?.[0]?.message?.content;
      const error = body?.error?.message;
      return {
        text: typeof content === 'string' ? content : '',
        ...(typeof error === 'string' ? { error } : {}),
      };
    } catch {
      // Not one JSON body: read it as a stream below.
    }
  }
  let text = '';
  let error: string | undefined;
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    try {
      const event = JSON.parse(data);
      const delta = event?.choices?.[0]?.delta?.content;
      if (typeof delta === 'string') text += delta;
      if (typeof event?.error?.message === 'string') error = event.error.message;
    } catch {
      // A line cut off mid-transfer: the rest of the answer still reads.
    }
  }
  return { text, ...(error !== undefined ? { error } : {}) };
}

/** The answer as a Markdown document: the model's own Markdown, under a title. */
export function answerMarkdown(title: string, raw: string): string {
  const { text, error } = answerText(raw);
  const parts = [`# ${title}`, '', text === '' ? '_The answer holds no text._' : text];
  if (error) parts.push('', `> The server reported an error: ${error}`);
  return `${parts.join('\n')}\n`;
}

/** A fence longer than any backtick run inside the text, so the text shows as it is. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}
