import { distance } from "fastest-levenshtein";

/**
 * Suggests the known word closest to a misspelt one ("regualtion" → "regulation"), or `null` when none is close
 * enough. Longer words may be further off: one edit up to five letters, two from six. Ties go to the more
 * frequent word.
 */
export function correctSpelling(word: string, vocabulary: ReadonlyMap<string, number>): string | null {
  if (word.length < 4 || vocabulary.has(word)) return null;
  const budget = word.length <= 5 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = budget + 1;
  let bestCount = 0;
  for (const [candidate, count] of vocabulary) {
    if (Math.abs(candidate.length - word.length) > budget) continue;
    const d = distance(word, candidate);
    if (d < bestDistance || (d === bestDistance && count > bestCount)) {
      best = candidate;
      bestDistance = d;
      bestCount = count;
    }
  }
  return bestDistance <= budget ? best : null;
}

/** True when some known word starts with `prefix` (the user is still typing it). */
export function isKnownPrefix(prefix: string, vocabulary: ReadonlyMap<string, number>): boolean {
  if (prefix.length < 3) return false;
  for (const word of vocabulary.keys()) if (word.length > prefix.length && word.startsWith(prefix)) return true;
  return false;
}
