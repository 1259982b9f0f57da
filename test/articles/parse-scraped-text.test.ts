import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { ArticleDraft } from "../../src/articles/article.js";
import { parseScrapedText } from "../../src/articles/parse-scraped-text.js";

const SEED = fs.readFileSync(new URL("../../data/articles/seed-000_f48217ea085f23cf.txt", import.meta.url), "utf8");

/** Parses and fails the test with the parser's reason when the page was refused. */
function parse(text: string): ArticleDraft {
  const result = parseScrapedText(text);
  if ("error" in result) throw new Error(`expected an article, got: ${result.error}`);
  return result;
}

const page = (...lines: string[]) => lines.join("\n");

describe("parseScrapedText", () => {
  describe("with the scraped seed page", () => {
    const seed = parse(SEED);

    it("removes the category glued to the title", () => {
      expect(seed.title).toBe("China Warns Overseas Telecom Companies Against Misusing New Technologies");
    });

    it("starts the body with the article's first sentence, not the repeated title", () => {
      expect(seed.body.startsWith("China is cautioning")).toBe(true);
    });

    it("drops the page furniture: the join prompt, the ad marker and the category", () => {
      for (const furniture of ["Join us", "Advertisement", "Cryptocurrency News"]) expect(seed.body).not.toContain(furniture);
    });

    it("keeps all four paragraphs, separated by a blank line", () => {
      const paragraphs = seed.body.split("\n\n");
      expect(paragraphs).toHaveLength(4);
      expect(paragraphs[3]).toMatch(/through the country’s internet firewall\.$/);
    });

    it("leaves the date unknown when the page gives none", () => {
      expect(seed.publishedAt).toBeNull();
    });
  });

  it("removes a category of another site glued to the title", () => {
    const draft = parse(
      page(
        "Market WatchSEC Fines Exchange Over Unregistered Lending Product",
        "",
        "SEC Fines Exchange Over Unregistered Lending Product",
        "",
        "The Securities and Exchange Commission fined a crypto exchange on Wednesday for offering an unregistered lending product.",
      ),
    );
    expect(draft.title).toBe("SEC Fines Exchange Over Unregistered Lending Product");
    expect(draft.body).toBe("The Securities and Exchange Commission fined a crypto exchange on Wednesday for offering an unregistered lending product.");
  });

  it("reads the published date from a byline and drops the byline", () => {
    const draft = parse(
      page(
        "Regulation Desk Turkey Bans Crypto Payments",
        "Turkey Bans Crypto Payments",
        "By Staff Reporter | March 3, 2021",
        "",
        "Turkey's central bank banned the use of crypto assets for payments, citing the risk of irrecoverable losses.",
      ),
    );
    expect(draft.publishedAt).toBe("2021-03-03");
    expect(draft.body).not.toContain("Staff Reporter");
    expect(draft.body.startsWith("Turkey's central bank")).toBe(true);
  });

  it("reads a day-month-year date line", () => {
    const draft = parse(page("Swiss Regulator Publishes ICO Guidelines", "", "Published 16 February 2018", "", "FINMA published guidelines on initial coin offerings."));
    expect(draft.publishedAt).toBe("2018-02-16");
    expect(draft.body).toBe("FINMA published guidelines on initial coin offerings.");
  });

  it("drops tag, share and related-story lines", () => {
    const draft = parse(
      page(
        "Japan Tightens Stablecoin Rules",
        "",
        "Japan's parliament passed a bill that limits stablecoin issuance to banks and trust companies.",
        "",
        "Related: Japan Exchange Fined Over Hack",
        "",
        "The law takes effect within a year.",
        "",
        "Tags: Japan, stablecoins",
        "Share this article",
        "Related: Korea Weighs Its Own Stablecoin Law",
      ),
    );
    expect(draft.body).toBe("Japan's parliament passed a bill that limits stablecoin issuance to banks and trust companies.\n\nThe law takes effect within a year.");
  });

  it("takes the first line as the title when the page does not repeat it", () => {
    const draft = parse(page("Thailand Bans Crypto Payments From April", "", "Thai regulators said on Tuesday that businesses may no longer accept crypto as payment."));
    expect(draft.title).toBe("Thailand Bans Crypto Payments From April");
    expect(draft.body).toBe("Thai regulators said on Tuesday that businesses may no longer accept crypto as payment.");
  });

  it("joins the wrapped lines of one paragraph with a space", () => {
    const draft = parse(page("Canada Approves a Bitcoin ETF", "", "The Ontario Securities Commission approved", "the first bitcoin exchange-traded fund."));
    expect(draft.body).toBe("The Ontario Securities Commission approved the first bitcoin exchange-traded fund.");
  });

  it("reads a Source line into the source and out of the body", () => {
    const draft = parse(page("Canada Approves a Bitcoin ETF", "", "The Ontario Securities Commission approved the first bitcoin ETF.", "", "Source: Example Wire"));
    expect(draft.source).toBe("Example Wire");
    expect(draft.body).toBe("The Ontario Securities Commission approved the first bitcoin ETF.");
  });

  it("reads Windows line endings and a byte-order mark like plain lines", () => {
    const draft = parse("\uFEFFNewsUK Bans Crypto Derivatives\r\n\r\nUK Bans Crypto Derivatives\r\n\r\nThe FCA banned the sale of crypto derivatives to retail consumers.\r\n");
    expect(draft.title).toBe("UK Bans Crypto Derivatives");
    expect(draft.body).toBe("The FCA banned the sale of crypto derivatives to retail consumers.");
  });

  it("keeps a paragraph that merely begins with a word like Related or Popular", () => {
    const draft = parse(
      page(
        "Exchanges Told to Register",
        "",
        "The regulator told every exchange serving local users to register by June.",
        "",
        "Popular exchanges such as Binance and Kraken said they would apply.",
        "",
        "Related rules on stablecoins are expected later this year.",
      ),
    );
    expect(draft.body).toContain("Popular exchanges such as Binance and Kraken said they would apply.");
    expect(draft.body).toContain("Related rules on stablecoins are expected later this year.");
  });

  it("keeps a first paragraph that begins with “By” but is a sentence, not a byline", () => {
    const draft = parse(page("Exchanges Told to Register", "", "By 2025, every exchange serving local users must hold a licence.", "", "The regulator said it would publish the forms soon."));
    expect(draft.body.startsWith("By 2025, every exchange serving local users must hold a licence.")).toBe(true);
  });

  it("keeps a first sentence that merely contains a date", () => {
    const page = ["NewsSEC Fines Exchange", "", "SEC Fines Exchange", "", "On March 3, 2021 the SEC fined an exchange.", "", "The fine was the first of its kind."].join("\n");
    const draft = parseScrapedText(page);
    expect("error" in draft ? draft.error : draft.body).toBe("On March 3, 2021 the SEC fined an exchange.\n\nThe fine was the first of its kind.");
  });

  it("refuses a page with no text", () => {
    expect(parseScrapedText(" \n\n \t\n")).toEqual({ error: "the file holds no text" });
  });

  it("refuses a page that is only a title and furniture", () => {
    expect(parseScrapedText(page("Crypto News Roundup", "", "Share this article", "Tags: crypto"))).toEqual({
      error: "no article text was left after removing the page furniture",
    });
  });
});
