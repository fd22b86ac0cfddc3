/**
 * An answer a model call already brought for a job, kept in the job's artifacts by an earlier run
 * that was stopped (a crash, a shutdown) before its commit. It is used in place of a new call, so
 * resuming the job does not pay for it again, but only when it answered the very request the job
 * would send now and it is a whole, usable answer. Pure: it reads texts, never files.
 */

import type { ChatRequest, ChatResult } from './openrouter/chat-types';
import { isRecord } from './openrouter/completion';
import { readJsonCompletion } from './openrouter/json-completion';
import { SseCompletionReader } from './openrouter/sse-completion-reader';

/** The three artifact files of one call, as text. */
export interface KeptCall {
  request: string;
  rawResponse: string;
  meta: string;
}

/** The call's result as the model gave it, or undefined when the kept call cannot stand for `request`. */
export function keptAnswer(kept: KeptCall, request: ChatRequest): ChatResult | undefined {
  const meta = parseObject(kept.meta);
  const sent = parseObject(kept.request);
  // A call that failed keeps its error in the metadata; an answer cut off is no answer either.
  if (!meta || !sent || meta.error !== undefined || meta.finishReason === 'length') return undefined;
  if (!sameRequest(sent, request)) return undefined;
  const raw = kept.rawResponse;
  let outcome: ReturnType<typeof readJsonCompletion>;
  if (raw.trimStart().startsWith('{')) {
    outcome = readJsonCompletion(raw);
  } else {
    const reader = new SseCompletionReader();
    reader.feed(raw);
    outcome = reader.finish();
  }
  if (!outcome.ok || outcome.completion.finishReason === 'length' || outcome.completion.content === '') {
    return undefined;
  }
  const { completion } = outcome;
  const result: ChatResult = {
    content: completion.content,
    finishReason: completion.finishReason,
    attempts: typeof meta.attempts === 'number' ? meta.attempts : 1,
    status: typeof meta.status === 'number' ? meta.status : 200,
    durationMs: typeof meta.durationMs === 'number' ? meta.durationMs : 0,
    requestPayload: sent,
    rawResponse: raw,
  };
  if (completion.usage) result.usage = completion.usage;
  const generationId = typeof meta.generationId === 'string' ? meta.generationId : completion.id;
  if (generationId) result.generationId = generationId;
  const provider = typeof meta.provider === 'string' ? meta.provider : completion.provider;
  if (provider) result.provider = provider;
  if (completion.model) result.model = completion.model;
  return result;
}

/** Whether the kept request body asked the model what `request` asks: same model, prompts and options. */
function sameRequest(sent: Record<string, unknown>, request: ChatRequest): boolean {
  const messages = request.messages.map((message) => ({ role: message.role, content: message.content }));
  return (
    sent.model === request.model &&
    JSON.stringify(sent.messages) === JSON.stringify(messages) &&
    sent.temperature === request.temperature &&
    sent.max_tokens === request.maxTokens
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
