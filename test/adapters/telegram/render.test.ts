import { describe, expect, it } from "vitest";
import { answer, citation, fullArticle, summary } from "../../fakes/answers.js";
import type { ArticleSummary } from "../../../src/search/answer.js";
import {
  citationHtml,
  escapeHtml,
  packBlocks,
  renderAnswerHtml,
  renderArticleHtml,
  renderArticleListHtml,
  splitPlain,
  TELEGRAM_MESSAGE_LIMIT,
} from "../../../adapters/telegram/render.js";
import { expectBalancedTags, expectOnlyAllowedHtml } from "./html-checks.js";

const ATLANTIS: ArticleSummary = {
  id: "ee0e01318a",
  title: "Crypto <3 & </a> rules in Atlantis",
  url: "https://news.example/atlantis?id=7&lang=en",
  source: "Atlantis <Herald> & Co",
  publishedAt: "2024-05-01",
  jurisdictions: [],
  topics: [],
};

/** Every message fits Telegram's limit and parses on its own. */
function expectSendable(messages: readonly string[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    expect(message.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(message.trim()).not.toBe("");
    expectOnlyAllowedHtml(message);
    expectBalancedTags(message);
  }
}

describe("escapeHtml", () => {
  it("escapes &, < and >, ampersands first so nothing is escaped twice", () => {
    expect(escapeHtml("Crypto <3 & </a> rules")).toBe("Crypto &lt;3 &amp; &lt;/a&gt; rules");
    expect(escapeHtml("&lt; is how HTML writes <")).toBe("&amp;lt; is how HTML writes &lt;");
    expect(escapeHtml("plain words")).toBe("plain words");
  });
});

describe("citationHtml", () => {
  it("numbers the citation and links its escaped title, with an escaped href", () => {
    const html = citationHtml({ n: 2, article: ATLANTIS, snippet: { text: "Reserves < 100% & no audits.", highlights: [] } });
    expect(html).toBe(
      '<b>[2]</b> <a href="https://news.example/atlantis?id=7&amp;lang=en">Crypto &lt;3 &amp; &lt;/a&gt; rules in Atlantis</a>\n' +
        "<i>Atlantis &lt;Herald&gt; &amp; Co, 1 May 2024</i>\n" +
        "“Reserves &lt; 100% &amp; no audits.”",
    );
  });

  it("escapes quotes in a link, so the href cannot be closed early", () => {
    const html = citationHtml(citation(1, { url: 'https://news.example/a?q="x"><b>' }));
    expect(html).toContain('<a href="https://news.example/a?q=&quot;x&quot;&gt;&lt;b&gt;">');
    expectOnlyAllowedHtml(html);
  });

  it("shows the title in bold, unlinked, when the URL is missing or not http(s)", () => {
    for (const url of [null, "javascript:alert(1)", "ftp://news.example/a"]) {
      const html = citationHtml(citation(1, { url }));
      expect(html).toMatch(/^<b>\[1\]<\/b> <b>EU adopts MiCA<\/b>/);
      expect(html).not.toContain("<a ");
    }
  });

  it("puts highlights in bold, escapes around them and shows line breaks as spaces", () => {
    const text = "Issuers < 100%\n\nmust hold reserves & audit.";
    const html = citationHtml(citation(1, {}, { text, highlights: [[0, 7], [26, 34]] }));
    expect(html).toContain("“<b>Issuers</b> &lt; 100% must hold <b>reserves</b> &amp; audit.”");
    expectBalancedTags(html);
  });

  it("leaves out the facts line when there is neither source nor date", () => {
    expect(citationHtml(citation(1))).toBe("<b>[1]</b> <b>EU adopts MiCA</b>\n“Issuers must hold reserves.”");
  });
});

describe("renderAnswerHtml", () => {
  it("renders the notice in italics, the citations, then the footer", () => {
    const messages = renderAnswerHtml(
      answer({ notice: "Read as: “micca” → “mica”.", citations: [citation(1), citation(2, { title: "UK & EU" })], footer: "This is news, not legal advice." }),
    );
    expect(messages).toEqual([
      "<i>Read as: “micca” → “mica”.</i>\n\n" +
        "<b>[1]</b> <b>EU adopts MiCA</b>\n“Issuers must hold reserves.”\n\n" +
        "<b>[2]</b> <b>UK &amp; EU</b>\n“Issuers must hold reserves.”\n\n" +
        "<i>This is news, not legal advice.</i>",
    ]);
  });

  it("without citations, says so plainly and lists the suggestions, with no footer", () => {
    const messages = renderAnswerHtml(
      answer({ notice: "No stored article about <Atlantis> answers that.", suggestions: ["Try /latest", "Ask about the EU & MiCA"], footer: "unused" }),
    );
    expect(messages).toEqual(["No stored article about &lt;Atlantis&gt; answers that.\n\n• Try /latest\n• Ask about the EU &amp; MiCA"]);
  });

  it("renders only the citations it is given (a “More” page), keeping their numbers", () => {
    const all = [citation(1), citation(2), citation(3), citation(4, { title: "Fourth" })];
    const [message] = renderAnswerHtml(answer({ citations: all }), all.slice(3));
    expect(message).toContain("<b>[4]</b> <b>Fourth</b>");
    expect(message).not.toContain("[1]");
  });

  it("splits a long answer between citations into messages within 4096 characters", () => {
    const long = "Reserves & audits <in full>. ".repeat(10);
    const citations = Array.from({ length: 30 }, (_, i) => citation(i + 1, { title: `Article ${i + 1} & more` }, { text: long, highlights: [[0, 8]] }));
    const messages = renderAnswerHtml(answer({ citations, footer: "This is news, not legal advice." }));
    expect(messages.length).toBeGreaterThan(1);
    expectSendable(messages);
    // Each citation arrives whole and in order.
    const joined = messages.join("\n\n");
    for (const c of citations) expect(joined).toContain(citationHtml(c));
    expect(joined.indexOf("[9]")).toBeLessThan(joined.indexOf("[10]"));
  });

  it("keeps a citation of an article with an absurdly long title within one sendable message", () => {
    // A scraped .txt file whose first line is a whole paragraph is stored with that line as its title.
    const title = "Regulators & banks <agreed> on stablecoin rules. ".repeat(150);
    const messages = renderAnswerHtml(answer({ citations: [citation(1, { title }, { text: "The snippet that answers.", highlights: [[4, 11]] })], footer: "Footer." }));
    expectSendable(messages);
    expect(messages.join("\n")).toContain("The <b>snippet</b> that answers.");
  });
});

describe("renderArticleListHtml", () => {
  it("lists each article with its link or bold title, facts, jurisdictions and tappable /article_ID", () => {
    const [message] = renderArticleListHtml([ATLANTIS, summary({ publishedAt: "2023-05-16", source: "EU Desk" })]);
    expect(message).toBe(
      '<a href="https://news.example/atlantis?id=7&amp;lang=en">Crypto &lt;3 &amp; &lt;/a&gt; rules in Atlantis</a>\n' +
        "<i>Atlantis &lt;Herald&gt; &amp; Co, 1 May 2024</i> · /article_ee0e01318a\n\n" +
        "<b>EU adopts MiCA</b>\n<i>EU Desk, 16 May 2023 · European Union</i> · /article_0123456789",
    );
  });
});

describe("renderArticleHtml", () => {
  it("sends a short article as one message: heading, facts, then the body", () => {
    expect(renderArticleHtml(fullArticle({ ...ATLANTIS, body: "Reserves < 100%.\n\nAudits & fines." }))).toEqual([
      '<a href="https://news.example/atlantis?id=7&amp;lang=en">Crypto &lt;3 &amp; &lt;/a&gt; rules in Atlantis</a>\n' +
        "<i>Atlantis &lt;Herald&gt; &amp; Co, 1 May 2024</i>\n\nReserves &lt; 100%.\n\nAudits &amp; fines.",
    ]);
  });

  it("splits a 12,000-character article into sendable messages without losing a word", () => {
    const paragraphs = [
      ...Array.from({ length: 12 }, (_, i) => `Part ${i + 1}: FINMA & the cantons <still> debate licensing. `.repeat(15).trim()),
      Array.from({ length: 60 }, (_, i) => `Sentence ${i + 1} says FINMA & banks <agreed>.`).join(" "),
    ];
    const body = paragraphs.join("\n\n");
    expect(body.length).toBeGreaterThan(12_000);
    const messages = renderArticleHtml(fullArticle({ body }));
    expect(messages.length).toBeGreaterThanOrEqual(4);
    expectSendable(messages);
    expect(messages[0]).toMatch(/^<b>EU adopts MiCA<\/b>\n<i>European Union<\/i>/);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const shown = messages.join(" ").replace(/^<b>EU adopts MiCA<\/b>\n<i>European Union<\/i>/, "");
    expect(words(shown)).toEqual(words(escapeHtml(body)));
  });

  it("fits a paragraph of nothing but ampersands, which grow five times when escaped", () => {
    const messages = renderArticleHtml(fullArticle({ body: "&".repeat(2000) }));
    expect(messages.length).toBeGreaterThan(2);
    expectSendable(messages);
    expect(messages.join("").match(/&amp;/g)).toHaveLength(2000);
  });

  it("keeps an article with an absurdly long title sendable, with its body", () => {
    const title = "Regulators & banks <agreed> on stablecoin rules. ".repeat(150);
    const messages = renderArticleHtml(fullArticle({ title, url: "https://news.example/a?x=1&y=2", body: "The body & its facts." }));
    expectSendable(messages);
    expect(messages.join("\n")).toContain("The body &amp; its facts.");
  });
});

describe("packBlocks", () => {
  it("joins blocks with a blank line and starts a new message when the next block would not fit", () => {
    expect(packBlocks(["aaaa", "bbbb", "cccc"], 10)).toEqual(["aaaa\n\nbbbb", "cccc"]);
    expect(packBlocks([], 10)).toEqual([]);
  });

  it("cuts a block longer than a message without splitting a tag or an entity", () => {
    const block = `<b>${"x &amp; y ".repeat(20)}</b>`;
    const [message, ...rest] = packBlocks([block], 50);
    expect(rest).toEqual([]);
    expect(message!.length).toBeLessThanOrEqual(50);
    expectOnlyAllowedHtml(message!);
    expectBalancedTags(message!);
  });
});

describe("splitPlain", () => {
  it("splits at word boundaries so that each piece fits once escaped", () => {
    const text = "Tokens & coins <differ>. ".repeat(40).trim();
    const pieces = splitPlain(text, 100);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(escapeHtml(piece).length).toBeLessThanOrEqual(100);
      expect(piece).toMatch(/^\S.*\S$/);
    }
    expect(pieces.join(" ")).toBe(text);
  });

  it("leaves text that fits alone", () => {
    expect(splitPlain("short & sweet", 100)).toEqual(["short & sweet"]);
  });
});
