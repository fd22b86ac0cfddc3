/** Placed where a secret was removed. */
export const REDACTED = '[redacted]';

/** Whether text may hold a bearer token or an OpenRouter key; one pass, no copy. */
const MAY_HOLD_TOKEN = /bearer|sk-or-/i;

/**
 * Removes the API key, and anything shaped like a bearer token or an OpenRouter key, from text
 * that may be shown or stored. Servers sometimes echo the credentials they were sent.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  let result = text;
  if (secret !== undefined && secret.length > 0 && result.includes(secret)) {
    result = result.split(secret).join(REDACTED);
  }
  // Every model answer passes through here: most hold no token, and one test costs less than two
  // replacing passes over tens of kilobytes.
  if (!MAY_HOLD_TOKEN.test(result)) return result;
  return result
    .replace(/\b(Bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(/\bsk-or-[A-Za-z0-9_-]{8,}/g, REDACTED);
}
