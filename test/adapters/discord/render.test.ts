import { escapeMarkdown } from "discord.js";
import { describe, expect, it } from "vitest";
import { answer, citation, fullArticle, summary } from "../../fakes/answers.js";
import {
  answerButtons,
  answerEmbed,
  articleEmbeds,
  articleListEmbed,
  citationMarkdown,
  DISCORD_LIMITS,
  escapeDiscord,
  NO_PINGS,
} from "../../../adapters/discord/render.js";

const ZWSP = "\u200b";
const HOSTILE_TITLE = "Atlantis stablecoin rules: **bold** @everyone <@&123456789012345678>";
const HOSTILE_TITLE_ESCAPED = `Atlantis stablecoin rules: \\*\\*bold\\*\\* @${ZWSP}everyone <${ZWSP}@&123456789012345678>`;

/** What Discord counts toward an embed's 6000 characters (the parts regbot uses). */
function embedSize(embed: { title?: string; description?: string; footer?: { text: string } }): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
}

describe("escapeDiscord", () => {
  it("escapes markdown so it shows as typed", () => {
    expect(escapeDiscord("**bold** _it_ `code` ~~gone~~ ||spoiler||")).toBe("\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ \\|\\|spoiler\\|\\|");
    expect(escapeDiscord("C:\\coins")).toBe("C:\\\\coins");
  });

  it("escapes whatever discord.js escapes, italics included, in text with and without * or _", () => {
    const all = { heading: true, bulletedList: true, numberedList: true, maskedLink: true, italic: true } as const;
    const texts = ["# Heading\n- item\n1. first\n> quote [link](https://x.example) ~~s~~ ||p|| `c`", "plain words, 100% (2021)", "snake_case *stars* and __under__", "a_b https://x.example/a_b"];
    for (const text of texts) expect(escapeDiscord(text)).toBe(escapeMarkdown(text, all));
  });

  it("shows custom-emoji markup as text, and still escapes the underscores after it", () => {
    expect(escapeDiscord("emoji <:coin_up:123> then __underlined__ and <a:spin:4>")).toBe(`emoji <${ZWSP}:coin\\_up:123> then \\_\\_underlined\\_\\_ and <${ZWSP}a:spin:4>`);
  });

  it("defuses @everyone and @here in any case with a zero-width space after the @", () => {
    expect(escapeDiscord("hey @everyone and @here")).toBe(`hey @${ZWSP}everyone and @${ZWSP}here`);
    expect(escapeDiscord("@EVERYONE @Here")).toBe(`@${ZWSP}EVERYONE @${ZWSP}Here`);
  });

  it("defuses user, role and channel mentions, keeping their text", () => {
    expect(escapeDiscord("<@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678>")).toBe(
      `<${ZWSP}@123456789012345678> <${ZWSP}@!123456789012345678> <${ZWSP}@&123456789012345678> <${ZWSP}#123456789012345678>`,
    );
    expect(escapeDiscord(HOSTILE_TITLE)).toBe(HOSTILE_TITLE_ESCAPED);
  });

  it("leaves plain text alone", () => {
    const plain = "Is crypto trading banned in China? The PBoC said so (2021), 100% of it.";
    expect(escapeDiscord(plain)).toBe(plain);
  });
});

describe("citationMarkdown", () => {
  it("shows the number, the linked escaped title, source and date, and the quoted snippet with highlights in bold", () => {
    const c = citation(
      2,
      { title: HOSTILE_TITLE, url: "https://news.example/a_(b)", source: "Atlantis Herald", publishedAt: "2024-05-01" },
      { text: "Issuers must hold *full* reserves.", highlights: [[18, 33]] },
    );
    expect(citationMarkdown(c)).toBe(
      `**[2]** [${HOSTILE_TITLE_ESCAPED}](https://news.example/a_(b%29) — Atlantis Herald, 1 May 2024\n> Issuers must hold **\\*full\\* reserves**.`,
    );
  });

  it("bolds only the highlights, even when the article's text holds the characters that stand in for them", () => {
    const c = citation(1, { url: null }, { text: "Rules \ue000for\ue001 __all__ issuers and @everyone.", highlights: [[0, 5], [20, 27]] });
    expect(citationMarkdown(c)).toBe("**[1]** **EU adopts MiCA**\n> **Rules** for \\_\\_all\\_\\_ **issuers** and @\u200beveryone.");
  });

  it("shows the title in bold when there is no usable link", () => {
    expect(citationMarkdown(citation(1, { url: "javascript:alert(1)" }))).toBe("**[1]** **EU adopts MiCA**\n> Issuers must hold reserves.");
  });
});

describe("answerEmbed", () => {
  it("puts the citations in the description and the footer under them", () => {
    const embed = answerEmbed(answer({ citations: [citation(1), citation(2, { title: "Hong Kong opens stablecoin licensing" })], footer: "Newest source: 1 May 2024. This is news, not legal advice." }));
    expect(embed.description).toBe("**[1]** **EU adopts MiCA**\n> Issuers must hold reserves.\n\n**[2]** **Hong Kong opens stablecoin licensing**\n> Issuers must hold reserves.");
    expect(embed.footer?.text).toBe("Newest source: 1 May 2024. This is news, not legal advice.");
  });

  it("stays within Discord's limits with many long citations, dropping whole citations that do not fit", () => {
    const citations = Array.from({ length: 30 }, (_, i) =>
      citation(
        i + 1,
        { title: `${"A very long headline about stablecoin reserves ".repeat(6)}${i + 1}`, url: `https://news.example/${"x".repeat(150)}/${i + 1}`, source: "Atlantis Herald", publishedAt: "2024-05-01" },
        { text: `${"Issuers must hold full reserves and publish monthly audits. ".repeat(12)}`, highlights: [[0, 7]] },
      ),
    );
    const embed = answerEmbed(answer({ citations, footer: `${"Newest source: 1 May 2024. ".repeat(100)}This is news, not legal advice.` }));
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.footer!.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
    expect(embedSize(embed as never)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(embed.description).toMatch(/^\*\*\[1\]\*\*/);
    // What is shown is whole citations: exactly the first few, nothing cut in the middle.
    const shown = (embed.description!.match(/\*\*\[\d+\]\*\*/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(30);
    expect(embed.description).toBe(citations.slice(0, shown).map(citationMarkdown).join("\n\n"));
  });

  it("with no citations shows the escaped notice and the suggestions, without a footer", () => {
    const embed = answerEmbed(
      answer({ notice: "No stored article about **Atlantis** @everyone answers that.", suggestions: ["Ask about a regulator", "See the newest articles with /latest."], footer: "This is news, not legal advice." }),
    );
    expect(embed.description).toBe(`No stored article about \\*\\*Atlantis\\*\\* @${ZWSP}everyone answers that.\n\n• Ask about a regulator\n• See the newest articles with /latest.`);
    expect(embed.footer).toBeUndefined();
  });

  it("shows a notice above citations in italics", () => {
    const embed = answerEmbed(answer({ notice: "Read as: “stablecoyn” → “stablecoin”.", citations: [citation(1)] }));
    expect(embed.description).toMatch(/^\*Read as: “stablecoyn” → “stablecoin”\.\*\n\n\*\*\[1\]\*\*/);
  });
});

describe("answerButtons", () => {
  it("offers the full article of each citation shown, then More, with ids of at most 100 characters", () => {
    const rows = answerButtons([citation(4, { id: "aaaaaaaaaa" }), citation(5, { id: "bbbbbbbbbb" })], "more:zz:6");
    expect(rows).toHaveLength(1);
    const buttons = rows[0]!.components as Array<{ label?: string; custom_id?: string }>;
    expect(buttons.map((b) => b.label)).toEqual(["Full article [4]", "Full article [5]", "More"]);
    expect(buttons.map((b) => b.custom_id)).toEqual(["art:aaaaaaaaaa", "art:bbbbbbbbbb", "more:zz:6"]);
  });

  it("keeps a row within Discord's five buttons, and has none without citations", () => {
    const rows = answerButtons(Array.from({ length: 8 }, (_, i) => citation(i + 1)), "more:1:8");
    expect(rows[0]!.components.length).toBeLessThanOrEqual(5);
    expect(answerButtons([], "more:1:3")).toEqual([]);
  });
});

describe("articleListEmbed", () => {
  it("lists escaped titles with source, date, jurisdictions and id", () => {
    const embed = articleListEmbed([summary({ id: "1a2b3c4d5e", title: HOSTILE_TITLE, source: "Atlantis Herald", publishedAt: "2024-05-01", jurisdictions: ["China"] })], "Latest: China").toJSON();
    expect(embed.title).toBe("Latest: China");
    expect(embed.description).toBe(`**${HOSTILE_TITLE_ESCAPED}**\nAtlantis Herald, 1 May 2024 · China · id \`1a2b3c4d5e\``);
  });

  it("says so when there are no articles", () => {
    expect(articleListEmbed([], "Latest articles").toJSON().description).toBe("No articles.");
  });
});

describe("articleEmbeds", () => {
  /**
   * Every message fits: at most 10 embeds and 6000 characters, each description within 4096 (and not ending in half
   * an escape), each title within 256.
   */
  function expectSendable(messages: ReturnType<typeof articleEmbeds>): void {
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      const embeds = message.map((e) => e.toJSON());
      expect(embeds.length).toBeGreaterThan(0);
      expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
      expect(embeds.reduce((size, e) => size + embedSize(e as never), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
      for (const embed of embeds) {
        expect(embed.description!.length).toBeGreaterThan(0);
        expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
        expect((embed.title ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        // No escape is cut in half: a description never ends in a lone backslash.
        expect(embed.description).not.toMatch(/(?<!\\)(\\\\)*\\$/);
      }
    }
  }

  it("splits a 20,000-character article into messages within Discord's limits, losing nothing", () => {
    const body = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}: ${"the regulator set out licensing rules for crypto custody and staking. ".repeat(7)}`.trim()).join("\n\n");
    expect(body.length).toBeGreaterThan(19_000);
    const messages = articleEmbeds(fullArticle({ title: "Long read: crypto licensing", url: "https://news.example/long", source: "Swiss Desk", publishedAt: "2020-01-10", body }));
    expectSendable(messages);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    const [first] = messages[0]!.map((e) => e.toJSON());
    expect(first?.title).toBe("Long read: crypto licensing");
    expect(first?.url).toBe("https://news.example/long");
    expect(first?.description).toMatch(/^\*Swiss Desk, 10 Jan 2020 · European Union\*/);
    // Only the first embed carries the title.
    expect(messages.flat().slice(1).every((e) => e.toJSON().title === undefined)).toBe(true);
    const text = messages.flat().map((e) => e.toJSON().description).join("\n\n");
    for (let n = 1; n <= 40; n++) expect(text).toContain(`Paragraph ${n}: the regulator`);
  });

  it("splits one 20,000-character paragraph without breaks at spaces, losing nothing and adding nothing", () => {
    const paragraph = Array.from({ length: 520 }, (_, i) => `Sentence ${i + 1} says custody rules apply.`).join(" ");
    expect(paragraph.length).toBeGreaterThan(19_000);
    const messages = articleEmbeds(fullArticle({ jurisdictions: [], body: paragraph }));
    expectSendable(messages);
    expect(messages.flat().map((e) => e.toJSON().description).join(" ")).toBe(paragraph);
  });

  it("splits 20,000 characters without a single space, and text full of markdown, within the limits", () => {
    const unbroken = articleEmbeds(fullArticle({ jurisdictions: [], body: "x".repeat(20_000) }));
    expectSendable(unbroken);
    expect(unbroken.flat().map((e) => e.toJSON().description).join("")).toBe("x".repeat(20_000));

    // Escaping doubles this text: the pieces must still fit.
    const marked = articleEmbeds(fullArticle({ jurisdictions: [], body: "**x**_y_|".repeat(2_300) }));
    expectSendable(marked);
    const text = marked.flat().map((e) => e.toJSON().description).join("");
    expect(text.replace(/\\(.)/g, "$1")).toBe("**x**_y_|".repeat(2_300));
  });

  it("escapes the title and the text, and cuts a long title to fit", () => {
    const [[embed]] = articleEmbeds(fullArticle({ title: HOSTILE_TITLE, body: "A moderator posted @here about **the** licence <@&123456789012345678>." })) as [[ReturnType<typeof articleEmbeds>[0][0]]];
    const json = embed.toJSON();
    expect(json.title).toBe(HOSTILE_TITLE_ESCAPED);
    expect(json.description).toContain(`A moderator posted @${ZWSP}here about \\*\\*the\\*\\* licence <${ZWSP}@&123456789012345678>.`);

    const long = articleEmbeds(fullArticle({ title: `${"**Stablecoin** rules ".repeat(30)}end` }))[0]![0]!.toJSON();
    expect(long.title!.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(long.title).toMatch(/^\\\*\\\*Stablecoin\\\*\\\* rules/);
    expect(long.title).toMatch(/…$/);
  });
});

describe("NO_PINGS", () => {
  it("allows no mention of any kind, not even of the user replied to", () => {
    expect(NO_PINGS).toEqual({ parse: [], repliedUser: false, users: [], roles: [] });
  });
});

describe("escapeDiscord on links and line markup in article text", () => {
  it("leaves no masked link, heading or list marker active", () => {
    const out = escapeDiscord("# Big\n- item\n1. first\n[click me](https://evil.example)");
    expect(out).not.toMatch(/^#\s/m);
    expect(out).not.toMatch(/^-\s/m);
    // A backslash before the bracket turns the masked link into plain text.
    expect(out).not.toMatch(/(^|[^\\])\[click me\]\(/m);
  });
});
