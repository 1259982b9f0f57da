import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.js";
import { articleTermSet, describeSubscription, matchesSubscription, parseSubscription } from "../../src/alerts/match.js";
import { subscriptionPhrase } from "../../src/alerts/match.js";
import { fullArticle } from "../fakes/answers.js";

/** Whether the subscription `query` wants `article`, the way the dispatcher asks. */
const wants = (query: string, article: Article) => matchesSubscription(parseSubscription(query), article, () => articleTermSet(article));

const euStablecoins = fullArticle({
  title: "MiCA stablecoin rules take effect across the EU",
  body: "Rules for stablecoins under the Markets in Crypto-Assets regulation took effect on Sunday. Issuers of e-money tokens need authorisation and must hold reserves.",
  jurisdictions: ["European Union"],
  topics: ["stablecoins", "licensing"],
});

const hongKongStablecoins = fullArticle({
  title: "Hong Kong stablecoin law takes effect",
  body: "Issuers of fiat-referenced stablecoins now need a licence from the Hong Kong Monetary Authority.",
  jurisdictions: ["Hong Kong"],
  topics: ["stablecoins", "licensing"],
});

const euTravelRule = fullArticle({
  title: "EU travel rule for crypto transfers starts to apply",
  body: "Crypto-asset service providers must now send sender and recipient details with every transfer, whatever its size.",
  jurisdictions: ["European Union"],
  topics: ["travel-rule"],
});

const marketStory = fullArticle({
  title: "Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears",
  body: "Traders in the EU and elsewhere shrugged off fears about the USDC stablecoin as prices jumped.",
  jurisdictions: ["European Union"],
  topics: ["stablecoins"],
  relevant: false,
});

describe("parseSubscription", () => {
  it("reads \"EU stablecoins\" as the European Union and the stablecoin term", () => {
    expect(parseSubscription("EU stablecoins")).toEqual({ jurisdictions: ["European Union"], terms: ["stablecoin"] });
  });

  it("reads a jurisdiction alone as a jurisdiction filter without terms", () => {
    expect(parseSubscription("Hong Kong")).toEqual({ jurisdictions: ["Hong Kong"], terms: [] });
  });

  it("reads an empty or blank subscription as all regulation news", () => {
    expect(parseSubscription("")).toEqual({ jurisdictions: [], terms: [] });
    expect(parseSubscription("   ")).toEqual({ jurisdictions: [], terms: [] });
  });

  it("finds the jurisdiction wherever it stands among the words", () => {
    expect(parseSubscription("stablecoins in Hong Kong")).toEqual({ jurisdictions: ["Hong Kong"], terms: ["stablecoin"] });
  });

  it("reads the same words the same whatever their case", () => {
    expect(parseSubscription("eu STABLECOINS")).toEqual(parseSubscription("EU stablecoins"));
  });

  it("reads \"US\" as the United States but \"us\" as a plain word: case matters for it", () => {
    expect(parseSubscription("US stablecoins")).toEqual({ jurisdictions: ["United States"], terms: ["stablecoin"] });
    expect(parseSubscription("us stablecoins")).toEqual({ jurisdictions: [], terms: ["stablecoin"] });
  });

  it("reads regular-expression syntax as plain text, without throwing", () => {
    for (const query of [".*", "(a+)+$", "[", "\\", "stablecoin|binance", "m.ca"]) {
      expect(() => parseSubscription(query)).not.toThrow();
    }
    expect(parseSubscription("stablecoin|binance").terms).toEqual(["stablecoin", "binanc"]);
  });
});

describe("matchesSubscription", () => {
  it("matches an article in the jurisdiction that uses every word, stemmed (\"stablecoin\" finds \"stablecoins\")", () => {
    expect(wants("EU stablecoin", euStablecoins)).toBe(true);
  });

  it("does not match an article about the words in another jurisdiction", () => {
    expect(wants("EU stablecoins", hongKongStablecoins)).toBe(false);
  });

  it("does not match an article in the jurisdiction without the words", () => {
    expect(wants("EU stablecoins", euTravelRule)).toBe(false);
  });

  it("requires every word, not any", () => {
    expect(wants("stablecoin reserves", euStablecoins)).toBe(true);
    expect(wants("stablecoin reserves", hongKongStablecoins)).toBe(false);
  });

  it("matches any jurisdiction's article when the subscription names none", () => {
    expect(wants("stablecoins", euStablecoins)).toBe(true);
    expect(wants("stablecoins", hongKongStablecoins)).toBe(true);
  });

  it("matches every regulation article for an empty subscription", () => {
    for (const article of [euStablecoins, hongKongStablecoins, euTravelRule]) expect(wants("", article)).toBe(true);
  });

  it("never matches an article that is not regulation news, even for an empty subscription", () => {
    expect(wants("", marketStory)).toBe(false);
    expect(wants("EU stablecoins", marketStory)).toBe(false);
    expect(wants("EU stablecoins", { ...marketStory, relevant: true })).toBe(true);
  });

  it("treats regular-expression syntax as words, never as a pattern", () => {
    // As patterns these would match: "m.ca" finds "MiCA", "stablecoin|binance" needs only one side.
    expect(wants("m.ca", euStablecoins)).toBe(false);
    expect(wants("stablecoin|binance", euStablecoins)).toBe(false);
  });

  it("returns on a pattern that would backtrack forever, and reads it as the words it has (none: all regulation news)", () => {
    const aaa = fullArticle({ title: "Regulators act", body: `${"a".repeat(40)}!` });
    expect(wants("(a+)+$", aaa)).toBe(true);
    expect(wants("", aaa)).toBe(true);
    expect(wants("(a+)+$", marketStory)).toBe(false);
    expect(wants(".*", marketStory)).toBe(false);
  });
});

describe("describeSubscription", () => {
  it("names the jurisdictions and the words an article must mention, as the user wrote them (not their stems)", () => {
    expect(describeSubscription("EU stablecoins licensing")).toEqual({ about: ["European Union"], mentioning: ["stablecoins", "licensing"] });
    expect(describeSubscription("EU Stablecoins")).toEqual({ about: ["European Union"], mentioning: ["Stablecoins"] });
  });

  it("describes \"US stablecoins\" as about the United States, and \"us stablecoins\" as about no jurisdiction", () => {
    expect(describeSubscription("US stablecoins")).toEqual({ about: ["United States"], mentioning: ["stablecoins"] });
    expect(describeSubscription("us stablecoins")).toEqual({ about: [], mentioning: ["stablecoins"] });
  });

  it("names each word once, as first written, and nothing for all regulation news", () => {
    expect(describeSubscription("stablecoin Stablecoins")).toEqual({ about: [], mentioning: ["stablecoin"] });
    expect(describeSubscription("Hong Kong")).toEqual({ about: ["Hong Kong"], mentioning: [] });
    expect(describeSubscription("")).toEqual({ about: [], mentioning: [] });
  });
});

describe("articleTermSet", () => {
  it("holds the stemmed terms of the title and the body", () => {
    const terms = articleTermSet(euStablecoins);
    expect(terms.has("stablecoin")).toBe(true);
    expect(terms.has("reserv")).toBe(true);
  });

  it("holds the terms of the article's topics, so a subscription finds an article its text alone would miss", () => {
    const tagged = fullArticle({
      title: "EU crypto transfers must now carry sender details",
      body: "Crypto-asset service providers must send sender and recipient details with every transfer, whatever its size.",
      jurisdictions: ["European Union"],
      topics: ["travel-rule"],
    });
    expect(wants("travel rule", tagged)).toBe(true);
    expect(wants("travel rule", { ...tagged, topics: [] })).toBe(false);
  });
});

describe("subscriptionPhrase", () => {
  it("says a subscription in words, as the user typed them, with jurisdictions joined by or and words by and", () => {
    expect(subscriptionPhrase("EU stablecoins licensing")).toBe("about European Union mentioning stablecoins and licensing");
    expect(subscriptionPhrase("Hong Kong or Japan")).toBe("about Hong Kong or Japan");
    expect(subscriptionPhrase("")).toBe("");
  });
});
