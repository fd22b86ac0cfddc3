/**
 * A model the simulator lists under `GET /models`, with prices in USD per token; a negative price
 * is listed as OpenRouter lists a price that varies ("-1"), and charged at `DEFAULT_PRICING`.
 */
export interface SimulatedModel {
  id: string;
  name: string;
  promptPrice: number;
  completionPrice: number;
  contextLength: number;
}

/** Prices for models the simulator is asked about but does not list. */
export const DEFAULT_PRICING = { promptPrice: 0.000001, completionPrice: 0.000002 };

/**
 * The default model list: well-behaved models, one whose price varies, and one model for each
 * misbehaviour an id selects (see model-conventions), so a daemon that checks model names against
 * the list takes them all.
 */
export const SIMULATED_MODELS: readonly SimulatedModel[] = [
  {
    id: 'sim/alpha',
    name: 'Simulated Alpha',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 128000,
  },
  {
    id: 'sim/beta',
    name: 'Simulated Beta',
    promptPrice: 0.0000005,
    completionPrice: 0.0000015,
    contextLength: 64000,
  },
  { id: 'sim/free:free', name: 'Simulated Free', promptPrice: 0, completionPrice: 0, contextLength: 32000 },
  {
    id: 'sim/flaky',
    name: 'Simulated Flaky',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 32000,
  },
  {
    id: 'sim/slow',
    name: 'Simulated Slow',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 32000,
  },
  {
    id: 'sim/truncate',
    name: 'Simulated Truncating',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/fail-always',
    name: 'Simulated Broken',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/rate-limited',
    name: 'Simulated Rate-Limited',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 32000,
  },
  {
    id: 'sim/unauthorized',
    name: 'Simulated Unauthorized',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/no-credits',
    name: 'Simulated No Credits',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/no-code',
    name: 'Simulated Prose Only',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/unsafe-path',
    name: 'Simulated Unsafe Path',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/auto',
    name: 'Simulated Auto Router (price varies)',
    promptPrice: -1,
    completionPrice: -1,
    contextLength: 128000,
  },
];

/** Models listed beside `listed` because a test scripted them, at the prices they are charged. */
export function scriptedModels(
  listed: readonly SimulatedModel[],
  scripted: Iterable<string>,
): SimulatedModel[] {
  const known = new Set(listed.map((model) => model.id));
  return [...scripted]
    .filter((id) => !known.has(id))
    .map((id) => ({ id, name: id, ...DEFAULT_PRICING, contextLength: 32000 }));
}

/** The prices a chat with `model` is charged at. */
export function chargedPricing(
  listed: readonly SimulatedModel[],
  model: string,
): { promptPrice: number; completionPrice: number } {
  const entry = listed.find((candidate) => candidate.id === model);
  return entry && entry.promptPrice >= 0 && entry.completionPrice >= 0 ? entry : DEFAULT_PRICING;
}

/** The `GET /models` body in OpenRouter's shape (prices as decimal strings). */
export function modelsBody(models: readonly SimulatedModel[]): unknown {
  return {
    data: models.map((model) => ({
      id: model.id,
      name: model.name,
      created: 1_700_000_000,
      description: `${model.name}, served by the local simulator.`,
      context_length: model.contextLength,
      architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
      pricing: { prompt: priceString(model.promptPrice), completion: priceString(model.completionPrice) },
      top_provider: { context_length: model.contextLength, is_moderated: false },
    })),
  };
}

function priceString(value: number): string {
  if (value < 0) return '-1';
  return value === 0 ? '0' : value.toFixed(10).replace(/0+$/, '');
}
