/**
 * OpenRouter as a `ModelProvider`: its client (`openrouter-client.ts`), what its failures mean, and
 * how its kept answers are read back. `main.ts` wires it in; nothing else in the core names it.
 */
import type { ModelProvider } from '../provider/model-provider';
import { keptOpenRouterAnswer } from './kept-response';
import { OpenRouterClient } from './openrouter-client';

export const openRouterProvider: ModelProvider = {
  name: 'OpenRouter',
  connect: (settings) => new OpenRouterClient(settings),
  // OpenRouter answers 402 when the account's credits are spent (status-error-code.ts): every
  // other call would be refused too, until someone adds credits.
  failureMeaning: (error) => (error.code === 'insufficient_credits' ? 'out_of_credits' : 'this_job_only'),
  keptAnswer: keptOpenRouterAnswer,
};
