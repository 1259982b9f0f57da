import fs from "node:fs";
import wordListPath from "word-list";
import { describe, expect, it } from "vitest";
import { isEnglishWord } from "../../src/search/english.js";

describe("isEnglishWord", () => {
  const words = fs.readFileSync(wordListPath, "utf8").split("\n").filter(Boolean);

  it("knows every word of the list, the few stored out of order included", () => {
    expect(words.filter((word) => !isEnglishWord(word))).toEqual([]);
    const outOfOrder = words.filter((word, i) => i > 0 && !(words[i - 1]! < word));
    expect(outOfOrder.length).toBeGreaterThan(0);
  });

  it("knows nothing else: names, jargon, capitals, pieces and extensions of words", () => {
    const known = new Set(words);
    const others = ["binance", "mica", "xrp", "Regulation", "", "a b", "é", "zzzzzz", "aaa", ...words.filter((_, i) => i % 97 === 0).flatMap((w) => [`${w}q`, w.slice(0, -1), `q${w}`])];
    expect(others.filter((word) => isEnglishWord(word) !== known.has(word))).toEqual([]);
    expect(isEnglishWord("regulation")).toBe(true);
    expect(isEnglishWord("binance")).toBe(false);
  });
});
