import type SearchableMap from "minisearch/SearchableMap";

/** Known words and how often each occurs. */
export type Vocabulary = SearchableMap<{ readonly count: number }>;

/**
 * Suggests the known word closest to a misspelt one ("regualtion" → "regulation"), or `null` when none is close
 * enough. Longer words may be further off: one edit up to five letters, two from six. Ties go to the more
 * frequent word. MiniSearch's radix tree finds the candidates without reading the whole vocabulary.
 */
export function correctSpelling(word: string, vocabulary: Vocabulary): string | null {
  if (word.length < 4 || vocabulary.has(word)) return null;
  const budget = word.length <= 5 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = budget + 1;
  let bestCount = 0;
  for (const [candidate, [{ count }, d]] of vocabulary.fuzzyGet(word, budget)) {
    if (d < bestDistance || (d === bestDistance && (count > bestCount || (count === bestCount && best !== null && candidate < best)))) {
      best = candidate;
      bestDistance = d;
      bestCount = count;
    }
  }
  return bestDistance <= budget ? best : null;
}

/** True when some known word starts with `prefix` (the user is still typing it). */
export function isKnownPrefix(prefix: string, vocabulary: Vocabulary): boolean {
  if (prefix.length < 3) return false;
  for (const word of vocabulary.atPrefix(prefix).keys()) if (word.length > prefix.length) return true;
  return false;
}
