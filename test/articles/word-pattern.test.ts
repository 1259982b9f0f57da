import { describe, expect, it } from "vitest";
import { JURISDICTIONS } from "../../src/articles/jurisdictions.js";
import { RELEVANCE_PHRASES } from "../../src/articles/relevance.js";
import { TOPIC_PHRASES } from "../../src/articles/topics.js";
import { phraseKey, wholeWordMatcher, wholeWordMatchers, wholeWordPattern } from "../../src/articles/word-pattern.js";
import { wordsOf } from "../../src/articles/words.js";
import { jurisdictionAliases, PHRASES } from "../../src/search/vocabulary.js";

/** The regex and the matcher of the same phrases, each built once. */
const built = new Map<string, { regex: RegExp; matcher: ReturnType<typeof wholeWordMatcher> }>();
function both(phrases: readonly string[], flags: string) {
  const key = `${flags}\u0000${phrases.join("\u0000")}`;
  let pair = built.get(key);
  if (!pair) built.set(key, (pair = { regex: wholeWordPattern(phrases, flags), matcher: wholeWordMatcher(phrases, flags) }));
  return pair;
}

/** What the regex finds: the reference the matchers must agree with. */
const byRegex = (phrases: readonly string[], flags: string, text: string) =>
  [...text.matchAll(both(phrases, flags).regex)].map((m) => ({ index: m.index, text: m[0] }));

const byMatcher = (phrases: readonly string[], flags: string, text: string) =>
  both(phrases, flags).matcher.matchAll(text).map(({ index, text }) => ({ index, text }));

/** A seeded generator, so a failure names a text that can be tried again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Texts made of the phrases themselves (in other cases, spacings and apostrophes) and the characters that trip matchers up. */
function texts(phrases: readonly string[], count: number, seed: number): string[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const odd = [
    " ", "  ", "-", " - ", "\u00a0", "\n", "\n\n", "\t", "'", "’", ".", ",", "(", ")", "$", "1", "5", "x", "ab", "S", "K",
    "ſ", "\u212a", "\u0345", "ι", "Σ", "ς", "ß", "ẞ", "İ", "ı", "é", "e\u0301", "Ü", "\ud835\udc00", "\ud83d\ude00", "\ud800", "\udc00",
  ];
  return Array.from({ length: count }, () => {
    let text = "";
    for (let i = 1 + Math.floor(rnd() * 16); i > 0; i--) {
      if (rnd() < 0.5) {
        text += pick(odd);
        continue;
      }
      let phrase = pick(phrases);
      if (rnd() < 0.3) phrase = phrase.toUpperCase();
      if (rnd() < 0.2) phrase = phrase.replace(/ /g, " -\n");
      if (rnd() < 0.2) phrase = phrase.replace(/'/g, "’");
      if (rnd() < 0.1) phrase = phrase.replace(/'/g, "");
      text += phrase;
    }
    return text;
  });
}

const jurisdictionNames = JURISDICTIONS.flatMap((j) => [...j.names, ...(j.regulators ?? [])]);
const jurisdictionCaseSensitive = JURISDICTIONS.flatMap((j) => j.caseSensitive ?? []);
const analyzerPhrases = [...PHRASES.map(([phrase]) => phrase), ...[...jurisdictionAliases().keys()].filter((name) => /[\s.'-]/.test(name))];
const oddPhrases = ["a", "A b", "x'y", "u.s.", "s", "k", "ι", "türkiye", "1.5", "foo-bar", "ab", "abc", "a b c", ".net", "$5", "c++", "(sec)"];

describe("wholeWordMatcher", () => {
  it.each([
    ["topic words", TOPIC_PHRASES, "i"],
    ["relevance words", RELEVANCE_PHRASES, "i"],
    ["jurisdiction names", jurisdictionNames, "i"],
    ["case-sensitive jurisdiction names", jurisdictionCaseSensitive, ""],
    ["the analyzer's phrases", analyzerPhrases, "i"],
    ["odd phrases", oddPhrases, "i"],
    ["odd phrases, case-sensitive", oddPhrases, ""],
  ] as const)("finds in %s exactly what the regex finds", (_, phrases, flags) => {
    for (const text of texts([...phrases, ...oddPhrases], 1500, phrases.length)) {
      expect(byMatcher(phrases, flags, text), JSON.stringify(text)).toEqual(byRegex(phrases, flags, text));
    }
  });

  it("reads case as the regex does, Unicode folding included (ſ is s, K is k)", () => {
    const text = "ſEC fined \u212araken; the SEC and sec";
    expect(byMatcher(["sec", "kraken"], "i", text)).toEqual(byRegex(["sec", "kraken"], "i", text));
    expect(byMatcher(["sec", "kraken"], "i", text).map((m) => m.text)).toEqual(["ſEC", "\u212araken", "SEC", "sec"]);
  });

  it("prefers the longest phrase, and spans line breaks, hyphens and curly apostrophes", () => {
    const text = "The People’s Bank of China and south-\nkorea's won; Korea too.";
    const phrases = ["people's bank of china", "china", "south korea", "korea"];
    expect(byMatcher(phrases, "i", text).map((m) => m.text)).toEqual(["People’s Bank of China", "south-\nkorea", "Korea"]);
  });

  it("gives every match its phraseKey", () => {
    for (const text of texts(oddPhrases, 300, 7)) {
      for (const m of both(oddPhrases, "i").matcher.matchAll(text)) expect(m.key).toBe(phraseKey(m.text));
    }
  });

  it.each([
    ["the analyzer's phrases", analyzerPhrases, "i"],
    ["odd phrases", oddPhrases, "i"],
    ["case-sensitive jurisdiction names", jurisdictionCaseSensitive, ""],
  ] as const)("finds in %s, at each place in a text, what the regex finds starting there", (_, phrases, flags) => {
    const anchored = new RegExp(both(phrases, flags).regex.source, `y${flags}u`);
    for (const text of texts([...phrases, ...oddPhrases], 300, 3)) {
      for (let index = 0; index < text.length; index++) {
        anchored.lastIndex = index;
        const expected = anchored.exec(text);
        const found = both(phrases, flags).matcher.matchAt(text, index);
        expect(found && { index: found.index, text: found.text }, `${JSON.stringify(text)} at ${index}`).toEqual(expected ? { index, text: expected[0] } : undefined);
      }
    }
  });

  it("rules out a start only where no phrase can start, judging by the next characters", () => {
    const matcher = both(analyzerPhrases, "i").matcher;
    let ruledOut = 0;
    for (const text of texts([...analyzerPhrases, ...oddPhrases], 300, 5)) {
      for (let index = 0; index < text.length; index++) {
        const match = matcher.matchAt(text, index);
        for (let end = index + 1; end <= Math.min(text.length, index + 24); end++) {
          if (matcher.mayStartWith(text, index, end)) continue;
          ruledOut++;
          expect(match, `${JSON.stringify(text)} at ${index}, judged up to ${end}`).toBeUndefined();
        }
      }
    }
    expect(ruledOut).toBeGreaterThan(1000);
  });

  it.each([
    ["topic words", TOPIC_PHRASES, "i"],
    ["jurisdiction names", jurisdictionNames, "i"],
    ["case-sensitive jurisdiction names", jurisdictionCaseSensitive, ""],
    ["phrases that begin with no letter", oddPhrases, "i"],
  ] as const)("finds in %s what the regex finds from the words found beforehand, in the whole text and in any beginning of it", (_, phrases, flags) => {
    const rnd = random(7);
    const { matcher } = both(phrases, flags);
    for (const text of texts([...phrases, ...oddPhrases], 1500, phrases.length + 1)) {
      const words = wordsOf(text);
      const found = (part: string) => matcher.matchAll(part, words).map(({ index, text }) => ({ index, text }));
      expect(found(text), JSON.stringify(text)).toEqual(byRegex(phrases, flags, text));
      const start = text.slice(0, Math.floor(rnd() * (text.length + 1)));
      expect(found(start), JSON.stringify(start)).toEqual(byRegex(phrases, flags, start));
    }
  });

  it("looks for phrases only where the words given say a word begins", () => {
    const { matcher } = both(TOPIC_PHRASES, "i");
    const text = "Stablecoin rules and stablecoin issuers";
    const all = wordsOf(text);
    expect(matcher.matchAll(text, all).map((m) => m.index)).toEqual([0, 21]);
    // Without its first word, the first match is not looked for: the words are trusted, not checked.
    expect(matcher.matchAll(text, all.subarray(3)).map((m) => m.index)).toEqual([21]);
  });

  it("leaves to the regex phrases an automaton cannot mirror (an apostrophe at the end)", () => {
    const phrases = ["investors'", "investors"];
    for (const text of ["the investors' money", "investors’ money", "investors money", "investors'"]) {
      expect(byMatcher(phrases, "i", text)).toEqual(byRegex(phrases, "i", text));
    }
  });
});

describe("wholeWordMatchers", () => {
  it("finds topic and relevance words from the words found beforehand as each list's regex finds them, in a whole text and any beginning of it", () => {
    // The two lists inference reads together (infer.ts), each going on from where its last match ended.
    const lists = [TOPIC_PHRASES, RELEVANCE_PHRASES];
    const matchers = wholeWordMatchers(lists);
    const rnd = random(13);
    for (const text of texts([...TOPIC_PHRASES, ...RELEVANCE_PHRASES], 1500, 17)) {
      const words = wordsOf(text);
      const start = text.slice(0, Math.floor(rnd() * (text.length + 1)));
      for (const part of [text, start]) {
        const found = matchers.matchAll(part, words).map((matches) => matches.map(({ index, text }) => ({ index, text })));
        expect(found, JSON.stringify(part)).toEqual(lists.map((phrases) => byRegex(phrases, "i", part)));
      }
    }
  });

  it("finds each list's matches in one pass, as if each list were searched alone", () => {
    const lists = [TOPIC_PHRASES, RELEVANCE_PHRASES, oddPhrases];
    const matchers = wholeWordMatchers(lists);
    for (const text of texts([...TOPIC_PHRASES, ...RELEVANCE_PHRASES, ...oddPhrases], 1500, 11)) {
      const found = matchers.matchAll(text).map((matches) => matches.map(({ index, text }) => ({ index, text })));
      expect(found, JSON.stringify(text)).toEqual(lists.map((phrases) => byRegex(phrases, "i", text)));
    }
  });
});
