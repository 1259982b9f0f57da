import { describe, expect, it } from "vitest";
import { analyze, isStopWord, termOf, tokenize } from "../../src/search/analyzer.js";

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
});

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

describe("isStopWord", () => {
  it("knows the words a question is made of but that say nothing", () => {
    expect(isStopWord("What")).toBe(true);
    expect(isStopWord("us")).toBe(true);
    expect(isStopWord("bitcoin")).toBe(false);
  });
});
