import {
  type BodyOutcome,
  type BodyProblem,
  type Completion,
  contentText,
  copyMeta,
  errorStatusOf,
  isRecord,
  readUsage,
} from './completion';
import { describeTextBody, extractErrorMessage } from './error-message';

/** The shape every error body is brought to. */
export interface ErrorEnvelope {
  error: { message: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * Parses a JSON response body into an object. Leading whitespace (OpenRouter's keep-alives while a
 * non-streamed answer is produced) is allowed. Anything that is not a JSON object (HTML, plain text,
 * a bare JSON string or number) becomes `{error: {message}}`.
 */
export function parseJsonBody(text: string): Record<string, unknown> | ErrorEnvelope {
  const trimmed = text.trim();
  if (trimmed === '') return { error: { message: 'The response body was empty' } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { error: { message: describeTextBody(trimmed) || 'The response body was not JSON' } };
  }
  if (isRecord(parsed)) return parsed;
  return { error: { message: extractErrorMessage(parsed) || 'The response body was not a JSON object' } };
}

/** Reads a non-streamed chat completion body (`choices[0].message.content`). */
export function readJsonCompletion(text: string): BodyOutcome {
  const body = parseJsonBody(text);
  if (body.error !== undefined && body.error !== null) {
    const message = extractErrorMessage(body) || 'The server returned an error without a message';
    const errorStatus = errorStatusOf(body.error);
    const reason = isRecord(body.error) || typeof body.error === 'string' ? 'error' : 'unusable';
    return { ok: false, problem: spent({ reason, message, errorStatus, contentReceived: false }, body) };
  }
  const choices = Array.isArray(body.choices) ? body.choices : undefined;
  const first = choices?.[0];
  if (!isRecord(first)) {
    return {
      ok: false,
      problem: { reason: 'unusable', message: 'The response held no choices', contentReceived: false },
    };
  }
  const message = isRecord(first.message) ? first.message : isRecord(first.delta) ? first.delta : {};
  const completion: Completion = {
    content: contentText(message.content ?? first.text),
    finishReason: typeof first.finish_reason === 'string' ? first.finish_reason : null,
  };
  const usage = readUsage(body.usage);
  if (usage) completion.usage = usage;
  copyMeta(body, completion);
  if (completion.finishReason === 'error') {
    return {
      ok: false,
      problem: spent(
        {
          reason: 'error',
          message: extractErrorMessage(first.error) || 'The provider reported an error',
          errorStatus: errorStatusOf(first.error),
          contentReceived: completion.content !== '',
        },
        body,
      ),
    };
  }
  return { ok: true, completion };
}

/** The problem with the usage and generation id its body reported: a failed call may still be billed. */
function spent(problem: BodyProblem, body: Record<string, unknown>): BodyProblem {
  const usage = readUsage(body.usage);
  if (!usage) return problem;
  problem.usage = usage;
  if (typeof body.id === 'string' && body.id !== '') problem.id = body.id;
  return problem;
}
