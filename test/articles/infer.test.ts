import { describe, expect, it } from "vitest";
import { canonicalJurisdictions, inferJurisdictions, inferTopics, inferTopicsAndRelevance } from "../../src/articles/infer.js";
import { isRegulationNews } from "../../src/articles/relevance.js";
import { wordsOf } from "../../src/articles/words.js";

describe("inferJurisdictions", () => {
  it("counts a jurisdiction named in the title", () => {
    expect(inferJurisdictions("Thailand bans crypto payments", "Shops may no longer accept crypto from April.")).toEqual(["Thailand"]);
  });

  it("counts a jurisdiction pointed to by its regulator", () => {
    expect(inferJurisdictions("FINMA publishes ICO guidelines", "The regulator said asset tokens are securities.")).toEqual(["Switzerland"]);
  });

  it("leaves out a country mentioned in passing in an article about another", () => {
    const body = "Thailand's SEC said shops may not accept crypto. Thailand will enforce the rule from April. A similar rule exists in India, officials said.";
    expect(inferJurisdictions("Thailand bans crypto payments", body)).toEqual(["Thailand"]);
  });

  it("lists the most-mentioned jurisdiction first", () => {
    const body = "Hong Kong's SFC licensed two exchanges. Hong Kong wants to be a crypto hub. China still bans trading, and Chinese exchanges moved abroad.";
    expect(inferJurisdictions("Exchanges licensed", body)).toEqual(["Hong Kong", "China"]);
  });

  it("does not read the pronoun “us” as the United States", () => {
    expect(inferJurisdictions("Tell us what you think", "Write to us about your trading; let us know.")).toEqual([]);
  });

  it("returns nothing when no place is named", () => {
    expect(inferJurisdictions("Exchange fined", "The exchange was fined for poor controls.")).toEqual([]);
  });

  it("names the same jurisdictions from the body's words found beforehand, as ingestion does", () => {
    const body = "Japan's FSA and the U.S.SEC met. Hong\nKong regulators and the SFC followed, as Hong-Kong's SFC said; the FCA waited.";
    expect(inferJurisdictions("Regulators meet", body)).toEqual(["Hong Kong"]);
    expect(inferJurisdictions("Regulators meet", body, wordsOf(body))).toEqual(inferJurisdictions("Regulators meet", body));
  });

  it("names China for the seed article about Chinese telecom fraud", () => {
    const body = "China is cautioning foreign-based telecom companies. The Chinese committee said fraud groups use blockchain. China banned trading in 2017.";
    expect(inferJurisdictions("China Warns Overseas Telecom Companies Against Misusing New Technologies", body)[0]).toBe("China");
  });
});

describe("inferTopics", () => {
  it("counts a topic named once in the title", () => {
    expect(inferTopics("Thailand bans crypto payments", "Shops may not accept crypto.")).toEqual(["trading-ban"]);
  });

  it("does not count a topic mentioned only once in the body", () => {
    expect(inferTopics("Shops react", "A tax on trading was also discussed. Shops may not accept crypto.")).toEqual([]);
  });

  it("counts a topic mentioned twice in the body", () => {
    expect(inferTopics("Shops react", "A tax on trading and another tax on mining.")).toEqual(["tax"]);
  });

  it("orders topics by how much the article is about them", () => {
    expect(inferTopics("Stablecoin law passes", "The stablecoin law also touches tax. Tax experts welcomed it. Stablecoins must be backed.")).toEqual(["stablecoins", "tax"]);
  });
});

describe("inferTopicsAndRelevance", () => {
  const body = "The regulator fined the exchange. Regulators said the exchange broke the law on stablecoin reserves. " +
    "Stablecoin issuers must hold reserves; the fine follows an enforcement action over tax reporting. ";
  const articles = [
    { title: "Regulator fines exchange over stablecoin reserves", body },
    { title: "Bitcoin price surges as liquidations mount", body },
    { title: "What happened this week", body: "Prices rallied. Bulls cheered." },
    { title: "Exchange news", body, categories: ["Policy"] },
    // Past the first 4,000 characters the body counts for topics, not for relevance.
    { title: "Exchange news", body: `${"Markets moved. ".repeat(300)}${body.repeat(10)}` },
    { title: "Exchange news", body: `${"x ".repeat(1996)}regulators law ban ${body}` },
    { title: "", body: "" },
  ];

  it.each(articles.map((a) => [a.title || "(empty)", a] as const))("reads “%s” as inferTopics and isRegulationNews do, in one pass", (_, article) => {
    expect(inferTopicsAndRelevance(article, true)).toEqual({ topics: inferTopics(article.title, article.body), relevant: isRegulationNews(article) });
    expect(inferTopicsAndRelevance(article, false)).toEqual({ topics: undefined, relevant: isRegulationNews(article) });
    // From the body's words found beforehand, as ingestion does: the same topics and verdict.
    expect(inferTopicsAndRelevance(article, true, wordsOf(article.body))).toEqual(inferTopicsAndRelevance(article, true));
  });
});

describe("canonicalJurisdictions", () => {
  it("maps aliases and demonyms onto canonical names", () => {
    expect(canonicalJurisdictions(["EU", "hk", "britain"])).toEqual(["European Union", "Hong Kong", "United Kingdom"]);
  });

  it("keeps unknown names as given", () => {
    expect(canonicalJurisdictions(["Freedonia"])).toEqual(["Freedonia"]);
  });

  it("drops blanks and duplicates", () => {
    expect(canonicalJurisdictions(["EU", " ", "European Union", "eu"])).toEqual(["European Union"]);
  });
});
