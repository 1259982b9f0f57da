import { describe, expect, it } from "vitest";
import type { ArticleDraft } from "../../src/articles/article.js";
import { markdownToText, parseMarkdown } from "../../src/articles/parse-markdown.js";

function parse(text: string): ArticleDraft {
  const result = parseMarkdown(text);
  if ("error" in result) throw new Error(`expected an article, got: ${result.error}`);
  return result;
}

const lines = (...l: string[]) => l.join("\n");

describe("parseMarkdown", () => {
  it("reads title, url, source, date, jurisdictions and topics from the front matter", () => {
    const draft = parse(
      lines(
        "---",
        'title: "EU publishes MiCA in the Official Journal"',
        "url: https://news.example/mica",
        "source: regbot newsdesk",
        "published: 2023-06-09",
        "jurisdictions: [European Union]",
        "topics: [licensing, stablecoins]",
        "---",
        "MiCA was published on 9 June 2023.",
      ),
    );
    expect(draft).toEqual({
      title: "EU publishes MiCA in the Official Journal",
      body: "MiCA was published on 9 June 2023.",
      url: "https://news.example/mica",
      source: "regbot newsdesk",
      publishedAt: "2023-06-09",
      jurisdictions: ["European Union"],
      topics: ["licensing", "stablecoins"],
    });
  });

  it("splits comma-separated jurisdictions and topics", () => {
    const draft = parse(lines("---", "title: Stablecoin rules", "jurisdictions: EU, Hong Kong", "topics: stablecoins, licensing", "---", "Both set stablecoin rules."));
    expect(draft.jurisdictions).toEqual(["EU", "Hong Kong"]);
    expect(draft.topics).toEqual(["stablecoins", "licensing"]);
  });

  it("takes the title from the first heading when the front matter has none, and leaves it out of the body", () => {
    const draft = parse(lines("# Japan passes stablecoin law", "", "The Diet passed a bill on stablecoins."));
    expect(draft.title).toBe("Japan passes stablecoin law");
    expect(draft.body).toBe("The Diet passed a bill on stablecoins.");
  });

  it("turns the body into plain text without Markdown syntax", () => {
    const draft = parse(
      lines(
        "---",
        "title: FATF updates guidance",
        "---",
        "The **FATF** published [updated guidance](https://fatf.example/guidance) on _virtual assets_.",
        "",
        "![chart](chart.png)",
        "",
        "```",
        "code that is not prose",
        "```",
      ),
    );
    expect(draft.body).toBe("The FATF published updated guidance on virtual assets.");
  });

  it("reads an unquoted YAML date as that calendar day", () => {
    expect(parse(lines("---", "title: A dated story", "date: 2018-02-16", "---", "Text.")).publishedAt).toBe("2018-02-16");
  });

  it("refuses front matter that is not valid YAML", () => {
    const result = parseMarkdown(lines("---", "title: [unclosed", "---", "Text."));
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(/^the front matter is not valid YAML \(/);
  });

  it("refuses an article without a title", () => {
    expect(parseMarkdown("Just a paragraph with no heading.")).toEqual({ error: "missing title" });
  });

  it("refuses an article without body text", () => {
    expect(parseMarkdown(lines("---", "title: Only a title", "---", ""))).toEqual({ error: "missing body text" });
  });

  it("refuses a date it cannot read, and says which format to use", () => {
    expect(parseMarkdown(lines("---", "title: Undated", "published: someday", "---", "Text."))).toEqual({
      error: 'unreadable date "someday" (use YYYY-MM-DD)',
    });
  });
});

describe("markdownToText", () => {
  it("keeps paragraphs apart with one blank line and joins wrapped lines", () => {
    expect(markdownToText("First line\nstill first.\n\n\n\nSecond.")).toBe("First line still first.\n\nSecond.");
  });

  it("turns headings into sentences of their own", () => {
    expect(markdownToText("## Background\n\nThe law passed.")).toBe("Background.\n\nThe law passed.");
  });

  it("turns each list item into a sentence of its own so items never run together", () => {
    expect(markdownToText("- payment tokens\n- utility tokens;\n1. asset tokens")).toBe("payment tokens.\n\nutility tokens.\n\nasset tokens.");
  });

  it("removes quote markers and inline code ticks", () => {
    expect(markdownToText("> The SEC said `Rule 17a` applies.")).toBe("The SEC said Rule 17a applies.");
  });

  it("keeps underscores and asterisks that are not emphasis", () => {
    expect(markdownToText("The field snake_case_name stays, and 2 * 3 stays.")).toBe("The field snake_case_name stays, and 2 * 3 stays.");
  });
});

describe("parseMarkdown with front matter in a language that runs code", () => {
  it("refuses JavaScript front matter without running it", () => {
    const marker = `regbot-pwned-${process.pid}`;
    const text = ["---js", `{ title: (globalThis[${JSON.stringify(marker)}] = "ran", "Evil") }`, "---", "Body text."].join("\n");
    const draft = parseMarkdown(text);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
    expect(draft).toEqual({ error: expect.stringContaining("only YAML front matter is read") });
  });
});
