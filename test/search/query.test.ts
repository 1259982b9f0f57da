import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.js";
import { analyze } from "../../src/search/analyzer.js";
import { createArticleIndex, type ArticleIndex } from "../../src/search/article-index.js";
import { isNewsOnly, parseQuestion } from "../../src/search/query.js";
import { correctSpelling } from "../../src/search/spelling.js";

function article(id: string, title: string, body: string, jurisdictions: string[] = [], publishedAt: string | null = "2023-05-01"): Article {
  return { id, title, url: null, source: "test desk", publishedAt, jurisdictions, topics: [], body, contentHash: id, ingestedAt: "2024-01-01T00:00:00.000Z", guid: null, author: null, categories: [], relevant: true, alternates: [] };
}

function smallIndex(): ArticleIndex {
  const index = createArticleIndex();
  index.add([
    article("a1", "EU regulation for crypto exchanges", "The regulation requires every exchange to register. The regulation applies from 2024.", ["European Union"]),
    article("a2", "Japan stablecoin regulation", "Japan passed a regulation of stablecoins. Printers and miners are not covered.", ["Japan"]),
    article("a3", "China bans bitcoin mining", "Chinese authorities banned bitcoin mining in 2021 and called trading illegal.", ["China"], "2021-09-24"),
  ]);
  return index;
}

const NOW = new Date("2025-06-01T12:00:00Z");
const parse = (question: string, index = smallIndex()) => parseQuestion(question, index, NOW);
const names = (question: string) => parse(question).jurisdictions.map((j) => j.name);

describe("parseQuestion: jurisdictions", () => {
  it.each([
    ["is crypto banned in mainland china?", "China"],
    ["what are the rules in the emirates?", "United Arab Emirates"],
    ["can I trade bitcoin in the states?", "United States"],
    ["are ETFs allowed in the US?", "United States"],
    ["what does britain require of exchanges?", "United Kingdom"],
  ])("finds the place in “%s”", (question, name) => {
    expect(names(question)).toEqual([name]);
  });

  it("does not read the pronoun “us” as the United States", () => {
    expect(names("can you tell us about stablecoin rules?")).toEqual([]);
  });

  it("does not search for the place name as a word: the jurisdiction is a filter", () => {
    const parsed = parse("is bitcoin mining banned in mainland china?");
    expect(parsed.core).toEqual(analyze("bitcoin mining banned"));
    expect(parsed.core).not.toContain("china");
  });
});

describe("parseQuestion: dates", () => {
  it("reads “since 2023” as from 1 January 2023", () => {
    const parsed = parse("what changed in stablecoin rules since 2023?");
    expect(parsed.from).toBe("2023-01-01");
    expect(parsed.to).toBeNull();
  });

  it("reads “before 2020” as up to 31 December 2019", () => {
    const parsed = parse("which countries banned ICOs before 2020?");
    expect(parsed.to).toBe("2019-12-31");
    expect(parsed.from).toBeNull();
  });

  it("reads “after 2021” as from the next year", () => {
    expect(parse("bans after 2021").from).toBe("2022-01-01");
  });

  it("keeps a plain year as a soft preference, not a window", () => {
    const parsed = parse("what did China ban in 2021?");
    expect(parsed.years).toEqual(["2021"]);
    expect(parsed.from).toBeNull();
    expect(parsed.to).toBeNull();
  });

  it("reads “this year” from the clock it is given", () => {
    expect(parse("new crypto laws this year").from).toBe("2025-01-01");
  });

  it("has no date window when the question names no date", () => {
    const parsed = parse("is bitcoin mining banned in china?");
    expect([parsed.from, parsed.to, parsed.years]).toEqual([null, null, []]);
  });
});

describe("parseQuestion: latest questions", () => {
  it.each(["what's the latest on crypto regulation?", "any news from Japan?", "recent stablecoin rules", "what's new in the EU?"])(
    "knows “%s” wants the newest articles",
    (question) => {
      expect(parse(question).wantsLatest).toBe(true);
    },
  );

  it("does not treat an ordinary question as a request for the newest news", () => {
    expect(parse("is bitcoin mining banned in china?").wantsLatest).toBe(false);
  });

  it("sees that a question made only of generic words asks for news", () => {
    expect(isNewsOnly(parse("any crypto news?"))).toBe(true);
    expect(isNewsOnly(parse("is bitcoin mining banned?"))).toBe(false);
  });
});

describe("parseQuestion: spelling", () => {
  it("corrects “regualtion” to a word the articles contain, and searches for it", () => {
    const parsed = parse("what does the new regualtion say about exchanges?");
    expect(parsed.corrections).toEqual([["regualtion", "regulation"]]);
    expect(parsed.core).toContain(analyze("regulation")[0]);
    expect(parsed.terms.map((t) => t.term)).toContain(analyze("regulation")[0]);
  });

  it("leaves real English words alone even when the articles hold a near word (“punters”, not “printers”)", () => {
    // The near word is there: spelling correction alone would pick it.
    expect(correctSpelling("punters", smallIndex().vocabulary)).toBe("printers");
    const parsed = parse("do punters need a licence?");
    expect(parsed.corrections).toEqual([]);
    expect(parsed.core).toContain(analyze("punters")[0]);
  });

  it("does not correct a word the articles contain", () => {
    expect(parse("is mining banned?").corrections).toEqual([]);
  });

  it("searches the last word as a prefix while it is still being typed", () => {
    const typing = parse("stablecoin exchan").terms.find((t) => t.term === analyze("exchan")[0]);
    expect(typing).toMatchObject({ prefix: true });
    // With the question mark typed, the question is finished: no word is a prefix any more.
    expect(parse("stablecoin exchan?").terms.some((t) => t.prefix)).toBe(false);
  });
});

describe("parseQuestion: intents", () => {
  it("knows “when” questions ask for a date and “how much” questions for an amount", () => {
    expect(parse("when did China ban mining?").intents.has("when")).toBe(true);
    expect(parse("how much was Binance fined?").intents.has("amount")).toBe(true);
    expect(parse("how long was SBF jailed for?").intents.has("duration")).toBe(true);
  });
});

describe("parseQuestion: text", () => {
  it("strips control characters and squeezes spaces", () => {
    expect(parse("  is\u0000 bitcoin\u0007   banned?\n").text).toBe("is bitcoin banned?");
  });
});

describe("parseQuestion: a word that names a property every object has", () => {
  it("reads “constructor” as a word to search for, not as a table's property", () => {
    expect(parse("who regulates the constructor of stablecoins?").core).toEqual(["regul", "constructor", "stablecoin"]);
  });
});
