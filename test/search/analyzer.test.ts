import { describe, expect, it } from "vitest";
import { phraseKey, wholeWordPattern } from "../../src/articles/word-pattern.js";
import { findWords } from "../../src/articles/words.js";
import { analyze, fold, isStopWord, scanSpans, termOf, type Token, tokenize } from "../../src/search/analyzer.js";
import { NumberList } from "../../src/search/number-list.js";
import { jurisdictionAliases, PHRASES } from "../../src/search/vocabulary.js";
import { TRICKY_TEXTS } from "../articles/tricky-texts.js";

/** The one search term `text` folds to (fails when it folds to none or several). */
function onlyTerm(text: string): string {
  const terms = analyze(text);
  expect(terms, `“${text}” should fold to exactly one term`).toHaveLength(1);
  return terms[0]!;
}

describe("analyze", () => {
  it.each([
    ["BTC", "bitcoin"],
    ["btc", "Bitcoins"],
    ["fine", "penalty"],
    ["fined", "penalties"],
    ["jail", "prison"],
    ["jailed", "imprisonment"],
    ["Securities and Exchange Commission", "SEC"],
    ["securities and exchange commission", "sec"],
    ["britain", "UK"],
    ["United Kingdom", "British"],
    ["authorised", "authorized"],
    ["cryptocurrencies", "crypto"],
  ])("folds “%s” and “%s” to the same term, so questions and articles meet however each spells it", (a, b) => {
    expect(onlyTerm(a)).toBe(onlyTerm(b));
  });

  it("keeps different things apart", () => {
    expect(onlyTerm("bitcoin")).not.toBe(onlyTerm("ether"));
    expect(onlyTerm("fine")).not.toBe(onlyTerm("prison"));
    expect(onlyTerm("UK")).not.toBe(onlyTerm("US"));
  });

  it("drops stop words and question words", () => {
    expect(analyze("what is the latest on the ban")).toEqual([onlyTerm("latest"), onlyTerm("ban")]);
  });

  it("treats lower-case “us” as a pronoun but “US” and “U.S.” as the United States", () => {
    expect(analyze("tell us about it")).toEqual([]);
    expect(onlyTerm("US")).toBe(onlyTerm("United States"));
    expect(onlyTerm("U.S.")).toBe(onlyTerm("United States"));
    expect(analyze("can you tell us about US rules")).toEqual([onlyTerm("America"), onlyTerm("rules")]);
  });

  it("folds “constructor”, the one lower-case word that names a property every object has, as any other word", () => {
    expect(analyze("Constructor constructors")).toEqual(["constructor", "constructor"]);
  });

  it("reads a multi-word name as one term even across a line break or hyphen", () => {
    expect(analyze("Securities and\nExchange Commission")).toEqual(["sec"]);
    expect(analyze("anti money laundering")).toEqual(analyze("anti-money-laundering"));
  });
});

describe("tokenize", () => {
  it("gives each term the offsets of the words it came from", () => {
    const text = "The Securities and Exchange Commission fined BTC traders.";
    for (const token of tokenize(text)) expect(text.slice(token.start, token.end)).toBe(token.surface);
    expect(tokenize(text).map((t) => t.surface)).toEqual(["Securities and Exchange Commission", "fined", "BTC", "traders"]);
  });

  it("returns tokens in the order they appear", () => {
    const starts = tokenize("UK fines for bitcoin adverts in Britain").map((t) => t.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("finds the field's phrases as their regex does, then the words of /[\\p{L}\\p{N}]+(?:['’.][\\p{L}\\p{N}]+)*/u outside them", () => {
    for (const text of TRICKY_TEXTS) expect(tokenize(text), text).toEqual(tokenizeByRegex(text));
  });
});

describe("scanSpans", () => {
  it("gives scanSpans what it finds itself: the same phrases and words from words found beforehand (on another thread)", () => {
    const visits = (text: string, words?: Int32Array) => {
      const seen: unknown[] = [];
      scanSpans(text, (t, start, end) => seen.push(["word", t.slice(start, end), start]), (surface, start, _end, terms) => seen.push(["phrase", surface, start, terms]), undefined, words);
      return seen;
    };
    for (const text of TRICKY_TEXTS) {
      const spans = new NumberList();
      findWords(text, spans);
      expect(visits(text, spans.items.subarray(0, spans.length)), text).toEqual(visits(text));
    }
  });
});

/** The tokens as the regexes find them: phrases first, then every word outside a phrase, in text order. */
function tokenizeByRegex(text: string): Token[] {
  const rules = PHRASES.map(([phrase, terms]) => ({ phrase, terms: typeof terms === "string" ? [terms] : terms }));
  for (const [name, token] of jurisdictionAliases()) if (/[\s.'-]/.test(name)) rules.push({ phrase: name, terms: [token] });
  const terms = new Map(rules.map((r) => [phraseKey(r.phrase), r.terms]));
  const tokens: Token[] = [];
  const covered: Array<[number, number]> = [];
  for (const m of text.matchAll(wholeWordPattern(rules.map((r) => r.phrase)))) {
    const found = terms.get(phraseKey(m[0]));
    if (!found) continue;
    covered.push([m.index, m.index + m[0].length]);
    for (const term of found) tokens.push({ term, surface: m[0], start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu)) {
    if (covered.some(([start, end]) => start <= m.index && m.index < end)) continue;
    const term = termOf(m[0]);
    if (term) tokens.push({ term, surface: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens.sort((a, b) => a.start - b.start);
}

describe("termOf", () => {
  it("returns null for stop words and single letters", () => {
    expect(termOf("the")).toBeNull();
    expect(termOf("us")).toBeNull();
    expect(termOf("x")).toBeNull();
  });

  it("keeps numbers such as years as they are", () => {
    expect(termOf("2023")).toBe("2023");
  });
});

describe("fold", () => {
  it("folds accents, width, curly apostrophes and case, the same the second time (it remembers words), and long texts too", () => {
    const expected = { "Naïve": "naive", "Ｆｉｎｅ": "fine", "it’s": "it's", "ÉTUDE": "etude" };
    for (const [word, folded] of Object.entries(expected)) {
      expect(fold(word)).toBe(folded);
      expect(fold(word)).toBe(folded);
    }
    expect(fold(`${"É".repeat(100)}’`)).toBe(`${"e".repeat(100)}'`);
  });
});

describe("isStopWord", () => {
  it("knows the words a question is made of but that say nothing", () => {
    expect(isStopWord("What")).toBe(true);
    expect(isStopWord("us")).toBe(true);
    expect(isStopWord("bitcoin")).toBe(false);
  });
});
