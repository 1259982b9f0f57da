import { describe, expect, it } from "vitest";
import { findWords, wordsOf } from "../../src/articles/words.js";
import { NumberList } from "../../src/search/number-list.js";
import { TRICKY_TEXTS } from "./tricky-texts.js";

/** The words as the regex findWords stands for lists them: start, end, and the first joining dot or apostrophe. */
function byRegex(text: string, offset = 0): number[] {
  const expected: number[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu)) {
    const joined = m[0].search(/['’.]/u);
    expected.push(offset + m.index, offset + m.index + m[0].length, joined < 0 ? -1 : offset + m.index + joined);
  }
  return expected;
}

describe("findWords", () => {
  it("lists the words of /[\\p{L}\\p{N}]+(?:['’.][\\p{L}\\p{N}]+)*/u with where the first joining dot or apostrophe stands, after those already listed", () => {
    // The last one has more words than the list first has room for.
    for (const text of [...TRICKY_TEXTS, TRICKY_TEXTS.join(" ").repeat(40)]) {
      const spans = new NumberList();
      findWords("Already here.", spans);
      findWords(text, spans);
      expect([...spans.items.subarray(0, spans.length)], text).toEqual([0, 7, -1, 8, 12, -1, ...byRegex(text)]);
    }
  });

  it("reads a letter or digit as a phrase matcher ignoring case does, but for U+0345, which only ignoring case makes a letter", () => {
    // The phrase matchers rely on this to look for phrases only where findWords says a word begins.
    const plain = /^[\p{L}\p{N}]$/u;
    const ignoringCase = /^[\p{L}\p{N}]$/iu;
    const differing: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (plain.test(ch) !== ignoringCase.test(ch)) differing.push(cp);
    }
    expect(differing).toEqual([0x345]);
  });
});

describe("wordsOf", () => {
  it("lists a text's words alone, in a list of exactly their length, however long the text before was", () => {
    const long = TRICKY_TEXTS.join(" ").repeat(2000);
    expect([...wordsOf(long)]).toEqual(byRegex(long));
    for (const text of TRICKY_TEXTS) {
      expect([...wordsOf(text)]).toEqual(byRegex(text));
    }
    expect(wordsOf("")).toHaveLength(0);
  });
});
