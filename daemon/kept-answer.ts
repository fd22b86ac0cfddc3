/**
 * An answer a model call already brought for a job, kept in the job's artifacts by an earlier run
 * that was stopped (a crash, a shutdown) before its commit. It is used in place of a new call, so
 * resuming the job does not pay for it again, but only when it answered the very request the job
 * would send now and it is a whole, usable answer (the provider reads its own raw response and
 * request body). Pure: it reads texts, never files.
 */

import type { ChatRequest, ChatResult } from './provider/chat-call';
import type { ModelProvider } from './provider/model-provider';

/** The three artifact files of one call, as text (`meta` empty when that file is missing). */
export interface KeptCall {
  request: string;
  rawResponse: string;
  meta: string;
}

/** The call's result as the model gave it, or undefined when the kept call cannot stand for `request`. */
export function keptAnswer(
  kept: KeptCall,
  request: ChatRequest,
  provider: Pick<ModelProvider, 'keptAnswer'>,
): ChatResult | undefined {
  // The metadata is written after the answer: a stop in between leaves it missing or cut short,
  // and a whole answer is used all the same (the raw response alone says whether it is whole),
  // rather than paid for again.
  const meta = parseObject(kept.meta) ?? {};
  const sent = parseObject(kept.request);
  // A call that failed keeps its error in the metadata; an answer cut off is no answer either.
  if (!sent || meta.error !== undefined || meta.finishReason === 'length') return undefined;
  const raw = kept.rawResponse;
  const completion = provider.keptAnswer(sent, raw, request);
  if (!completion || completion.finishReason === 'length' || completion.content === '') return undefined;
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
  const generationId = typeof meta.generationId === 'string' ? meta.generationId : completion.generationId;
  if (generationId) result.generationId = generationId;
  const provided = typeof meta.provider === 'string' ? meta.provider : completion.provider;
  if (provided) result.provider = provided;
  if (completion.model) result.model = completion.model;
  return result;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
