import type { ChatRequest } from '../provider/chat-call';
import type { KeptCompletion } from '../provider/model-provider';
import type { BodyOutcome } from './completion';
import { readJsonCompletion } from './json-completion';
import { SseCompletionReader } from './sse-completion-reader';

/**
 * The answer an OpenRouter response kept in the artifacts holds, when the body it answered (`sent`,
 * as `chatPayload` built it) asked what `request` asks: same model, prompts and options. A kept
 * stream is read as the client reads one; an unfinished one holds no answer.
 */
export function keptOpenRouterAnswer(
  sent: Record<string, unknown>,
  rawResponse: string,
  request: ChatRequest,
): KeptCompletion | undefined {
  if (!sameRequest(sent, request)) return undefined;
  let outcome: BodyOutcome;
  if (rawResponse.trimStart().startsWith('{')) {
    outcome = readJsonCompletion(rawResponse);
  } else {
    const reader = new SseCompletionReader();
    reader.feed(rawResponse);
    outcome = reader.finish();
  }
  if (!outcome.ok) return undefined;
  const { content, finishReason, usage, id, provider, model } = outcome.completion;
  return {
    content,
    finishReason,
    ...(usage ? { usage } : {}),
    ...(id ? { generationId: id } : {}),
    ...(provider ? { provider } : {}),
    ...(model ? { model } : {}),
  };
}

function sameRequest(sent: Record<string, unknown>, request: ChatRequest): boolean {
  const messages = request.messages.map((message) => ({ role: message.role, content: message.content }));
  return (
    sent.model === request.model &&
    JSON.stringify(sent.messages) === JSON.stringify(messages) &&
    sent.temperature === request.temperature &&
    sent.max_tokens === request.maxTokens
  );
}
