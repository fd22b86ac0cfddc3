/**
 * "Did you mean …?": the candidate a mistyped name most likely meant. Shared by the daemon (model
 * checks) and the extension (the batch plan), so both suggest the same name.
 */

/** Levenshtein distance, or `limit + 1` as soon as it is known to be above `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate nearest to `name` within a few typos (a quarter of its length, at most three),
 * compared in the form `normalize` gives; undefined when none is that close. Short names are too
 * easily near each other to guess from, so they get no suggestion beyond a case difference.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  normalize: (text: string) => string = (text) => text.toLowerCase(),
): string | undefined {
  const wanted = normalize(name);
  const limit = Math.min(3, Math.floor(wanted.length / 4));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate), limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
