import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
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
import { extractErrorMessage } from './error-message';
import type { ResponseBudget } from './response-budget';

/**
 * Assembles a streamed chat completion from Server-Sent Events text, fed in arbitrary pieces.
 * Comment lines (`: OPENROUTER PROCESSING`) are keep-alives and ignored; `data: [DONE]` ends the
 * stream; an event carrying `error`, or a choice finishing with `"error"`, is a failure. With a
 * budget, each event's data is given back once read and the answer text it adds is charged, since
 * that text is all that is kept of it.
 */
export class SseCompletionReader {
  private readonly parser: EventSourceParser;
  private readonly completion: Completion = { content: '', finishReason: null };
  private problem: BodyProblem | undefined;
  private done = false;
  private events = 0;

  constructor(private readonly budget?: ResponseBudget) {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  /** Feeds the next piece of the body text. */
  feed(text: string): void {
    this.parser.feed(text);
  }

  /** Whether answer text has arrived. */
  get contentReceived(): boolean {
    return this.completion.content !== '';
  }

  /** Whether the stream has ended itself, by `[DONE]` or an error event. */
  get finished(): boolean {
    return this.done || this.problem !== undefined;
  }

  /** The outcome once the body has ended. */
  finish(): BodyOutcome {
    // A last event whose closing blank line never came still counts.
    this.parser.feed('\n\n');
    if (this.problem) return { ok: false, problem: this.spent(this.problem) };
    if (this.done || this.completion.finishReason !== null) return { ok: true, completion: this.completion };
    if (this.events === 0) {
      return {
        ok: false,
        problem: { reason: 'unusable', message: 'The event stream held no events', contentReceived: false },
      };
    }
    return {
      ok: false,
      problem: this.spent({
        reason: 'incomplete',
        message: 'The event stream ended before the answer was complete',
        contentReceived: this.contentReceived,
      }),
    };
  }

  /** The problem with the usage and generation id the stream reported before it. */
  private spent(problem: BodyProblem): BodyProblem {
    const { usage, id } = this.completion;
    if (!usage) return problem;
    return id !== undefined ? { ...problem, usage, id } : { ...problem, usage };
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.problem) return;
    this.budget?.refund(event.data.length);
    const data = event.data.trim();
    if (data === '') return;
    this.events += 1;
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      // A malformed event carries nothing usable; if nothing better follows the stream counts as incomplete.
      return;
    }
    if (!isRecord(chunk)) return;
    // Read first, also from an error event: a call that fails part-way may still be billed.
    copyMeta(chunk, this.completion);
    const usage = readUsage(chunk.usage);
    if (usage) this.completion.usage = usage;
    if (chunk.error !== undefined && chunk.error !== null) {
      this.fail(chunk.error);
      return;
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) return;
    if (isRecord(choice.delta)) {
      const text = contentText(choice.delta.content);
      this.budget?.charge(text.length);
      this.completion.content += text;
    }
    if (typeof choice.finish_reason === 'string') {
      this.completion.finishReason = choice.finish_reason;
      if (choice.finish_reason === 'error') this.fail(choice.error);
    }
  }

  private fail(error: unknown): void {
    this.problem = {
      reason: 'error',
      message: extractErrorMessage(error) || 'The provider reported an error mid-stream',
      errorStatus: errorStatusOf(error),
      contentReceived: this.contentReceived,
    };
  }
}
