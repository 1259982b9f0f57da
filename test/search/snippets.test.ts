import { describe, expect, it } from "vitest";
import { analyze, tokenize } from "../../src/search/analyzer.js";
import { chooseSnippet, cut, MAX_SNIPPET, type Intent, type SnippetQuery } from "../../src/search/snippets.js";

/** A snippet query for the content words of `question`, all weighing the same. */
function query(question: string, options: { intents?: Intent[]; prefixes?: string[]; years?: string[] } = {}): SnippetQuery {
  return {
    weights: new Map(analyze(question).map((term) => [term, 1])),
    prefixes: options.prefixes ?? [],
    intents: new Set(options.intents ?? []),
    years: options.years ?? [],
  };
}

const DEBATE = "The exchange rules were debated at length by the exchange council, which asked every exchange operator for written comments on the rules.";
const CUSTODY = "Consumer protection and the custody of client assets were discussed separately, in a session that ran well into the evening.";
const EFFECT = "The rules took effect on 1 March 2024, after a consultation that lasted nearly two years across the whole sector.";
const BODY = [DEBATE, CUSTODY, EFFECT].join(" ");

const LONG_SENTENCE = `Regulators ${Array.from({ length: 60 }, (_, i) => `considered proposal${i}`).join(" and ")} before the bitcoin ban.`;

describe("chooseSnippet", () => {
  it("picks the sentence holding the most question words", () => {
    const snippet = chooseSnippet(BODY, query("exchange rules"));
    expect(snippet.text.startsWith(DEBATE)).toBe(true);
  });

  it("prefers a sentence with a date when the question asks “when”", () => {
    const snippet = chooseSnippet(BODY, query("exchange rules", { intents: ["when"] }));
    expect(snippet.text).toBe(EFFECT);
  });

  it("returns verbatim text from the body", () => {
    for (const q of [query("exchange rules"), query("exchange rules", { intents: ["when"] }), query("custody")]) {
      expect(BODY).toContain(chooseSnippet(BODY, q).text);
    }
  });

  it("falls back to the opening when no sentence matches", () => {
    const snippet = chooseSnippet(BODY, query("stablecoin"));
    expect(snippet.text.startsWith(DEBATE)).toBe(true);
    expect(snippet.highlights).toEqual([]);
  });

  it("returns an empty snippet for an empty body", () => {
    expect(chooseSnippet("", query("bitcoin"))).toEqual({ text: "", highlights: [] });
  });

  it("returns at most 300 characters, cut at a word boundary with an ellipsis", () => {
    expect(MAX_SNIPPET).toBe(300);
    expect(LONG_SENTENCE.length).toBeGreaterThan(MAX_SNIPPET);
    const { text } = chooseSnippet(LONG_SENTENCE, query("regulators proposal"));
    expect(text.length).toBeLessThanOrEqual(MAX_SNIPPET);
    expect(text.endsWith("…")).toBe(true);
    const kept = text.slice(0, -1);
    expect(LONG_SENTENCE.startsWith(kept)).toBe(true);
    // The cut falls between words: the kept text ends a word and the next character starts no new one mid-way.
    expect(kept).toMatch(/[\p{L}\p{N}]$/u);
    expect(LONG_SENTENCE[kept.length]).toMatch(/[^\p{L}\p{N}]/u);
  });

  it("keeps every snippet of a long article within 300 characters", () => {
    const article = Array.from({ length: 20 }, (_, i) => `Sentence ${i} says the exchange rules changed again after review number ${i} by the regulator.`).join(" ");
    for (const q of [query("exchange rules"), query("regulator review", { intents: ["when"] }), query("nothing matches here")]) {
      expect(chooseSnippet(article, q).text.length).toBeLessThanOrEqual(MAX_SNIPPET);
    }
  });

  it("highlights words of the snippet that match the question, however they are spelt", () => {
    const body = "The SEC fined the exchange for BTC adverts. The Securities and Exchange Commission said penalties would rise.";
    const q = query("sec fine bitcoin");
    const snippet = chooseSnippet(body, q);
    const words = snippet.highlights.map(([start, end]) => snippet.text.slice(start, end));
    expect(words).toEqual(["SEC", "fined", "BTC", "Securities and Exchange Commission", "penalties"]);
    for (const [start, end] of snippet.highlights) {
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(snippet.text.length);
      expect(q.weights.has(analyze(snippet.text.slice(start, end))[0]!)).toBe(true);
    }
  });

  it("highlights nothing the question did not ask about", () => {
    const snippet = chooseSnippet(BODY, query("custody"));
    const highlighted = snippet.highlights.map(([start, end]) => snippet.text.slice(start, end));
    expect(highlighted).toEqual(["custody"]);
  });

  it("highlights words that complete a word the user is still typing", () => {
    const body = "Exchanges must register with the regulator before they open.";
    const snippet = chooseSnippet(body, { ...query("register"), prefixes: ["exchang"] });
    const highlighted = snippet.highlights.map(([start, end]) => snippet.text.slice(start, end));
    expect(highlighted).toEqual(["Exchanges", "register"]);
  });

  it("gives highlights in order and never overlapping", () => {
    const snippet = chooseSnippet(BODY, query("exchange rules council"));
    const flat = snippet.highlights.flat();
    expect(flat).toEqual([...flat].sort((a, b) => a - b));
    for (const [start, end] of snippet.highlights) expect(end).toBeGreaterThan(start);
    // Each highlight is exactly one analysed word or phrase of the snippet.
    const tokens = tokenize(snippet.text).map((t) => [t.start, t.end]);
    for (const range of snippet.highlights) expect(tokens).toContainEqual([...range]);
  });

  // Known bug, reported: sentences are re-joined with a single space, so a snippet whose two sentences stand
  // in different paragraphs (or are split by a line break) is not the article's text. Remove `.fails` once fixed.
  it("returns verbatim text even when the chosen sentences stand in different paragraphs", () => {
    const body = "The rules took effect on 1 March 2024.\n\nExchanges had six months to apply for a licence under the rules.";
    const snippet = chooseSnippet(body, query("rules", { intents: ["when"] }));
    expect(body).toContain(snippet.text.replace(/…$/, ""));
  });
});

describe("cut", () => {
  it("leaves text that fits alone", () => {
    expect(cut("Bitcoin is legal tender.", 300)).toBe("Bitcoin is legal tender.");
  });

  it("cuts at the last space that fits and drops dangling punctuation before the ellipsis", () => {
    expect(cut("The ban covers exchanges, miners and brokers alike.", 30)).toBe("The ban covers exchanges…");
  });
});
