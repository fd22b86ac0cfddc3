/** A model answer as read from a response body, before it becomes a call's result. */
import type { ChatUsage } from '../provider/chat-call';

/** The answer a body held. */
export interface Completion {
  content: string;
  finishReason: string | null;
  usage?: ChatUsage;
  /** The `id` field (OpenRouter's generation id). */
  id?: string;
  provider?: string;
  model?: string;
}

/** Why a body held no usable answer. */
export interface BodyProblem {
  /**
   * `error`: the body is an error (an error object, or a stream's error event / `finish_reason:
   * "error"`); `unusable`: not a completion at all; `incomplete`: a stream that ended early.
   */
  reason: 'error' | 'unusable' | 'incomplete';
  message: string;
  /** An HTTP-like status the server put inside the error (`error.code: 429`). */
  errorStatus?: number;
  /** Whether answer text had arrived before the problem. */
  contentReceived: boolean;
  /** What the server said the call cost before the problem: it is spent all the same. */
  usage?: ChatUsage;
  /** The generation id the body named, given with `usage` only. */
  id?: string;
}

export type BodyOutcome = { ok: true; completion: Completion } | { ok: false; problem: BodyProblem };

/** Reads OpenAI-style `usage` ({prompt_tokens, completion_tokens, cost}); undefined if absent. */
export function readUsage(value: unknown): ChatUsage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = toCount(value.prompt_tokens);
  const completion = toCount(value.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const usage: ChatUsage = { promptTokens: prompt ?? 0, completionTokens: completion ?? 0 };
  const cost = typeof value.cost === 'string' ? Number(value.cost) : value.cost;
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) usage.costUsd = cost;
  return usage;
}

/** The HTTP-like status inside an error object (`code: 429` or `code: "429"`), if it is one. */
export function errorStatusOf(error: unknown): number | undefined {
  if (!isRecord(error)) return undefined;
  const code = typeof error.code === 'string' ? Number(error.code) : error.code;
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : undefined;
}

/** Copies the string fields `id`, `provider` and `model` from a response object onto `target`. */
export function copyMeta(source: Record<string, unknown>, target: Completion): void {
  if (target.id === undefined && typeof source.id === 'string' && source.id !== '') target.id = source.id;
  if (target.provider === undefined && typeof source.provider === 'string' && source.provider !== '') {
    target.provider = source.provider;
  }
  if (target.model === undefined && typeof source.model === 'string' && source.model !== '') {
    target.model = source.model;
  }
}

/** Text of a message `content`, which may also be an array of `{type: "text", text}` parts. */
export function contentText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value
    .map((part) =>
      isRecord(part) && typeof part.text === 'string' ? part.text : typeof part === 'string' ? part : '',
    )
    .join('');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
