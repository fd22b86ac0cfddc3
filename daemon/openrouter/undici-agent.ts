/**
 * undici's Agent (one keep-alive Pool per origin) as the model calls use it. A file of its own
 * because the bundle keeps it apart (`dist/undici-agent.js`, see esbuild.mjs): a daemon loads it
 * on its first model call, so starting one, or one that only lists history, never parses undici.
 */
import { Agent } from 'undici';

/**
 * The agent for every model call. undici's own timeouts are off: each attempt has one limit for
 * headers and body together (`HttpAttemptOptions.timeoutMs`), which a connect, a slow header or a
 * stalled body must not cut short or outlast. Idle connections are kept as long as the server's
 * `Keep-Alive` allows (undici's default without one), and hold no process open.
 */
export function keepAliveAgent(): Agent {
  return new Agent({ headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 0 } });
}
