import type { ModelSummary } from '../provider/chat-call';
import { isRecord } from './completion';

/**
 * Reads OpenRouter's `GET /models` answer (`{data: [{id, name, pricing: {prompt, completion},
 * context_length}]}`). Prices are USD per token as strings; negative ones mean "varies" and are
 * left out. Entries without an id are skipped. Returns undefined when the body is not a model list.
 */
export function readModelList(body: unknown): ModelSummary[] | undefined {
  const list = isRecord(body) ? body.data : body;
  if (!Array.isArray(list)) return undefined;
  const models: ModelSummary[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') continue;
    const model: ModelSummary = {
      id: entry.id,
      name: typeof entry.name === 'string' && entry.name !== '' ? entry.name : entry.id,
    };
    const pricing = isRecord(entry.pricing) ? entry.pricing : {};
    const promptPrice = price(pricing.prompt);
    const completionPrice = price(pricing.completion);
    if (promptPrice !== undefined) model.promptPrice = promptPrice;
    if (completionPrice !== undefined) model.completionPrice = completionPrice;
    if (typeof entry.context_length === 'number' && entry.context_length > 0) {
      model.contextLength = entry.context_length;
    }
    models.push(model);
  }
  return models;
}

function price(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}
