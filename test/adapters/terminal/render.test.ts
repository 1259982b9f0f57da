import { describe, expect, it } from "vitest";
import { renderAnswer } from "../../../adapters/terminal/render.js";
import type { Answer, ArticleSummary, Citation } from "../../../src/search/answer.js";

// Matches any ANSI escape sequence (CSI) and any lone ESC character.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b/;
const BOLD_ON = "\u001b[1m";

function summary(overrides: Partial<ArticleSummary> = {}): ArticleSummary {
  return {
    id: "a41ebbe725",
    title: "China bans initial coin offerings",
    url: "https://example.com/china-ico-ban",
    source: "regbot newsdesk",
    publishedAt: "2017-09-04",
    jurisdictions: ["China"],
    topics: ["ico"],
    ...overrides,
  };
}

function citation(n: number, text: string, highlights: Array<[number, number]>, article: Partial<ArticleSummary> = {}): Citation {
  return { n, article: summary(article), snippet: { text, highlights } };
}

const SNIPPET = "Chinese regulators on 4 September 2017 banned initial coin offerings.";
// "banned" and "offerings" are the matched words.
const HIGHLIGHTS: Array<[number, number]> = [
  [SNIPPET.indexOf("banned"), SNIPPET.indexOf("banned") + "banned".length],
  [SNIPPET.indexOf("offerings"), SNIPPET.indexOf("offerings") + "offerings".length],
];

function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    query: "did china ban icos?",
    citations: [citation(1, SNIPPET, HIGHLIGHTS)],
    notice: null,
    suggestions: [],
    footer: "Newest source: 4 Sep 2017. This is news, not legal advice.",
    ...overrides,
  };
}

describe("renderAnswer", () => {
  it("prints each citation as [n] with its title, byline, verbatim snippet and url", () => {
    const text = renderAnswer(answer());
    expect(text).toContain("[1] China bans initial coin offerings");
    expect(text).toContain("regbot newsdesk · 4 Sep 2017 · China · id a41ebbe725");
    expect(text).toContain(`“${SNIPPET}”`);
    expect(text).toContain("https://example.com/china-ico-ban");
  });

  it("numbers several citations in order", () => {
    const text = renderAnswer(answer({ citations: [citation(1, "First snippet.", []), citation(2, "Second snippet.", [], { id: "b000000002", title: "Second title" })] }));
    expect(text.indexOf("[1]")).toBeGreaterThanOrEqual(0);
    expect(text.indexOf("[2] Second title")).toBeGreaterThan(text.indexOf("[1]"));
  });

  it("makes the highlighted words bold when colour is on", () => {
    const text = renderAnswer(answer(), { color: true });
    expect(text).toContain(`${BOLD_ON}banned\u001b[22m`);
    expect(text).toContain(`${BOLD_ON}offerings\u001b[22m`);
    // Words that did not match stay plain.
    expect(text).not.toContain(`${BOLD_ON}regulators`);
  });

  it("prints no escape codes at all in the plain style, which is also the default", () => {
    expect(renderAnswer(answer(), { color: false })).not.toMatch(ANSI);
    expect(renderAnswer(answer())).not.toMatch(ANSI);
    expect(renderAnswer(answer())).toContain("banned initial coin offerings");
  });

  it("cleans control characters and ANSI escapes out of article titles, snippets, sources and urls", () => {
    const hostile = citation(1, "Red\u001b[31m alert\u0007 in the snippet.", [], {
      title: "Evil\u001b[31m title\u001b[0m with\u0000 bell\u0007 and\u001b[2J clear",
      source: "Bad\u001b[5m source",
      url: "https://example.com/\u001b[31mred",
    });
    for (const style of [{ color: false }, { color: true }]) {
      const text = renderAnswer(answer({ citations: [hostile] }), style);
      expect(text).toContain("Evil title with bell and clear");
      expect(text).toContain("Red alert in the snippet.");
      expect(text).toContain("Bad source");
      expect(text).toContain("https://example.com/red");
      expect(text).not.toContain("\u001b[31m");
      expect(text).not.toContain("\u001b[2J");
      expect(text).not.toMatch(/[\u0000\u0007]/);
    }
    expect(renderAnswer(answer({ citations: [hostile] }))).not.toMatch(ANSI);
  });

  it("prints the notice and every suggestion when no article answers", () => {
    const text = renderAnswer(
      answer({
        citations: [],
        notice: "No stored article covers Narnia, so there is nothing to cite about it.",
        suggestions: ["Ask about a regulator, a law or a country.", "See the newest articles with /latest."],
        footer: null,
      }),
    );
    expect(text.split("\n")[0]).toBe("No stored article covers Narnia, so there is nothing to cite about it.");
    expect(text).toContain("  • Ask about a regulator, a law or a country.");
    expect(text).toContain("  • See the newest articles with /latest.");
    expect(text).not.toContain("[1]");
  });

  it("prints a notice such as a spelling note above the citations", () => {
    const text = renderAnswer(answer({ notice: "Read as: “regualtion” → “regulation”." }));
    expect(text.indexOf("Read as: “regualtion” → “regulation”.")).toBe(0);
    expect(text.indexOf("[1]")).toBeGreaterThan(0);
  });

  it("ends with the footer, after the citations", () => {
    const text = renderAnswer(answer());
    expect(text.split("\n").at(-1)).toBe("Newest source: 4 Sep 2017. This is news, not legal advice.");
  });

  it("shows an undated article as undated and leaves out a missing url", () => {
    const text = renderAnswer(answer({ citations: [citation(1, SNIPPET, [], { publishedAt: null, url: null })] }));
    expect(text).toContain("regbot newsdesk · undated · China · id a41ebbe725");
    expect(text).not.toContain("https://");
  });
});
