/**
 * Builds one regular expression that finds any of `phrases` as whole words: longest first (so "south korea"
 * wins over "korea"), a space or hyphen between words matching any run of spaces and hyphens, an apostrophe
 * matching a curly one or none. Always global and Unicode; add "i" to `flags` to ignore case.
 */
export function wholeWordPattern(phrases: readonly string[], flags = "i"): RegExp {
  const alternatives = [...phrases]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\s-]+/g, "[\\s-]+").replace(/'/g, "['’]?"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`, `g${flags}u`);
}

/**
 * The lookup key of a phrase as {@link wholeWordPattern} matches it: lower case, no apostrophes, one space
 * between words. A match and the phrase it came from have the same key.
 */
export function phraseKey(phrase: string): string {
  return phrase.toLowerCase().replace(/['’]/g, "").replace(/[\s-]+/g, " ");
}
