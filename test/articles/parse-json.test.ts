import { describe, expect, it } from "vitest";
import { draftFromFields, parseJsonArticles } from "../../src/articles/parse-json.js";

const article = (fields: Record<string, unknown> = {}) => ({ title: "Japan passes stablecoin law", body: "The Diet passed a bill on stablecoins.", ...fields });

describe("parseJsonArticles", () => {
  it("reads one article object", () => {
    const result = parseJsonArticles(JSON.stringify(article({ publishedAt: "2022-06-03", jurisdictions: ["Japan"], topics: ["stablecoins"] })));
    expect(result).toEqual([
      {
        title: "Japan passes stablecoin law",
        body: "The Diet passed a bill on stablecoins.",
        url: null,
        source: null,
        publishedAt: "2022-06-03",
        jurisdictions: ["Japan"],
        topics: ["stablecoins"],
      },
    ]);
  });

  it("reads an array of articles in order", () => {
    const result = parseJsonArticles(JSON.stringify([article({ title: "First" }), article({ title: "Second" })]));
    expect(Array.isArray(result) && result.map((r) => ("title" in r ? r.title : r.error))).toEqual(["First", "Second"]);
  });

  it("parses each item on its own, so one bad item does not spoil the others", () => {
    const result = parseJsonArticles(JSON.stringify([article({ title: "Good" }), { title: "No body" }, "just a string", article({ title: "Also good" })]));
    expect(result).toEqual([
      expect.objectContaining({ title: "Good" }),
      { error: "missing body text" },
      { error: "expected an article object with title and body" },
      expect.objectContaining({ title: "Also good" }),
    ]);
  });

  it("refuses text that is not JSON, quoting the parser", () => {
    const result = parseJsonArticles("{ title: oops");
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(/^not valid JSON \(.+\)$/);
  });

  it("refuses an empty array", () => {
    expect(parseJsonArticles("[]")).toEqual({ error: "the JSON array is empty" });
  });
});

describe("draftFromFields", () => {
  it("collapses whitespace in the title and trims the body", () => {
    const draft = draftFromFields({ title: "  SEC  approves\n spot ETFs ", body: "\n  The SEC approved them.  \n" });
    expect(draft).toMatchObject({ title: "SEC approves spot ETFs", body: "The SEC approved them." });
  });

  it("accepts the date as publishedAt, published or date", () => {
    for (const key of ["publishedAt", "published", "date"]) {
      expect(draftFromFields(article({ [key]: "2024-01-10" }))).toMatchObject({ publishedAt: "2024-01-10" });
    }
  });

  it("leaves the date unknown when it is empty or missing", () => {
    expect(draftFromFields(article({ publishedAt: "" }))).toMatchObject({ publishedAt: null });
    expect(draftFromFields(article())).toMatchObject({ publishedAt: null });
  });

  it("refuses a date it cannot read, and says which format to use", () => {
    expect(draftFromFields(article({ date: "31/31/2024" }))).toEqual({ error: 'unreadable date "31/31/2024" (use YYYY-MM-DD)' });
  });

  it("names the missing title before the missing body", () => {
    expect(draftFromFields({})).toEqual({ error: "missing title" });
    expect(draftFromFields({ title: "   " , body: "Text." })).toEqual({ error: "missing title" });
    expect(draftFromFields({ title: "A title", body: " " })).toEqual({ error: "missing body text" });
  });

  it("ignores fields of the wrong type instead of storing them", () => {
    expect(draftFromFields(article({ url: 42, source: "  ", jurisdictions: 7 }))).toMatchObject({ url: null, source: null, jurisdictions: undefined });
  });

  it("splits a comma-separated list and drops blank entries", () => {
    expect(draftFromFields(article({ jurisdictions: "EU, , Hong Kong", topics: [" tax ", ""] }))).toMatchObject({
      jurisdictions: ["EU", "Hong Kong"],
      topics: ["tax"],
    });
  });
});
