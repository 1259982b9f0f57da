import fs from "node:fs";
import wordListPath from "word-list";

let words: Set<string> | undefined;

/**
 * True when `word` (lower case) is an English word. Used to leave real words alone that the stored articles
 * happen not to contain ("punters", "lenders"), so only true misspellings are corrected. The list (~275k words)
 * is read on first use.
 */
export function isEnglishWord(word: string): boolean {
  words ??= new Set(fs.readFileSync(wordListPath, "utf8").split("\n"));
  return words.has(word);
}
