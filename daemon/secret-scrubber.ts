/**
 * The one place that takes API keys out of text the daemon keeps or sends. The OpenRouter client
 * passes every string that came from the server through it (so what it returns is clean), and the
 * logger and the artifact files use it too. Knows nothing of where the text goes.
 */

/** Put where a secret was removed, everywhere. */
export const REDACTED = '[redacted]';

/** Shorter values would take ordinary words out of answers; real keys are far longer. */
const MIN_SECRET_LENGTH = 8;

/** Whether text may hold a bearer token or an OpenRouter key; one pass, no copy. */
const MAY_HOLD_TOKEN = /bearer|sk-or-/i;
/**
 * A literal bearer token: long and of the token alphabet only, so that code which builds the
 * header (`Bearer ${token}`, `"Bearer " + token`) in a generated app is left as it is.
 */
const BEARER_TOKEN = /\b(Bearer\s+)[\w.~+/=-]{16,}/gi;
const OPENROUTER_KEY = /\bsk-or-[\w-]{8,}/g;

/**
 * Replaces every key it has been told of (an earlier key too: an answer to a call made with it may
 * still arrive) and anything shaped like a bearer token or an OpenRouter key with `REDACTED`.
 */
export class SecretScrubber {
  /** Longest first, so that a key holding another is removed whole. */
  private secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a key; empty and very short values are ignored. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.secrets.includes(secret)) return;
    this.secrets = [...this.secrets, secret].sort((a, b) => b.length - a.length);
  }

  /** The text without any secret. */
  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      // Most texts hold no key: one search costs less than splitting and joining tens of kilobytes.
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    if (!MAY_HOLD_TOKEN.test(result)) return result;
    return result.replace(BEARER_TOKEN, `$1${REDACTED}`).replace(OPENROUTER_KEY, REDACTED);
  }

  /** `scrub` for a value that may be absent. */
  scrubOptional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.scrub(text);
  }
}
