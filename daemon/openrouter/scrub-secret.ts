/** Placed where a secret was removed. */
export const REDACTED = '[redacted]';

/**
 * Removes the API key, and anything shaped like a bearer token or an OpenRouter key, from text
 * that may be shown or stored. Servers sometimes echo the credentials they were sent.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  let result = text;
  if (secret !== undefined && secret.length > 0) result = result.split(secret).join(REDACTED);
  return result
    .replace(/\b(Bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(/\bsk-or-[A-Za-z0-9_-]{8,}/g, REDACTED);
}
