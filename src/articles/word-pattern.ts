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
