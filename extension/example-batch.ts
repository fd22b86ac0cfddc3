/** The text of a starter `appgen.batch.json`, with comments that explain each field. */
export function exampleBatchFile(models: readonly string[], templates: readonly string[]): string {
  const list = (items: readonly string[]) => items.map((item) => JSON.stringify(item)).join(', ');
  return `{
  // Models to compare: OpenRouter model ids, for example "openai/gpt-4o" (none is chosen for you).
  "models": [${list(models)}],
  // Template slugs, or "all".
  "templates": [${list(templates)}],
  // Apps per (model, template).
  "repeat": 1,
  // Jobs running at once for this batch.
  "maxConcurrent": 4,
  // Stop queuing new jobs once the batch has cost this much (USD).
  "budgetUsd": 5,
  "options": { "temperature": 0.2, "maxTokens": 16000 }
}
`;
}
