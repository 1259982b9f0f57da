import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isRegulationNews } from "../../src/articles/relevance.js";
import { createCore } from "../../src/core.js";
import { openTempStore } from "../fakes/temp-store.js";

const bundledDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../data/articles");

const LIQUIDATIONS_TITLE = "Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears";
const LIQUIDATIONS_BODY =
  "Bitcoin climbed back above $20,000 on Monday as short sellers were squeezed, with more than $200 million in liquidations across " +
  "crypto futures in 24 hours. Traders shrugged off worries about USDC after the stablecoin briefly lost its dollar peg, and ether " +
  "prices jumped 8%. Trading volume on the largest exchanges surged, and bulls pointed to the funding rate turning positive.";

describe("isRegulationNews", () => {
  describe("when the source's own categories name regulation", () => {
    it("counts a story in CoinDesk's Policy section as regulation news, even with a price-ish title", () => {
      expect(isRegulationNews({ title: LIQUIDATIONS_TITLE, body: LIQUIDATIONS_BODY, categories: ["Policy"] })).toBe(true);
    });

    it("counts a story tagged Regulations as regulation news, even with a price-ish title", () => {
      expect(isRegulationNews({ title: LIQUIDATIONS_TITLE, body: LIQUIDATIONS_BODY, categories: ["Markets", "Regulations"] })).toBe(true);
    });

    it("reads category names in any case", () => {
      expect(isRegulationNews({ title: LIQUIDATIONS_TITLE, body: LIQUIDATIONS_BODY, categories: ["markets", "POLICY"] })).toBe(true);
    });

    it("does not read a regulation word hidden inside another category name", () => {
      expect(isRegulationNews({ title: LIQUIDATIONS_TITLE, body: LIQUIDATIONS_BODY, categories: ["Lawrence's Picks", "Secondary Markets"] })).toBe(false);
    });
  });

  describe("when the categories say nothing about regulation", () => {
    it("does not count a price and liquidation story filed under Markets and Trading", () => {
      expect(isRegulationNews({ title: LIQUIDATIONS_TITLE, body: LIQUIDATIONS_BODY, categories: ["Markets", "Trading"] })).toBe(false);
    });

    it("does not count a price story even when its body mentions regulators in passing", () => {
      const body = `${LIQUIDATIONS_BODY} Some traders said regulators could still weigh on the market later in the year.`;
      expect(isRegulationNews({ title: "Bitcoin Price Soars Past $30K as Short Squeeze Lifts Crypto Market", body })).toBe(false);
    });
  });

  describe("when there are no categories", () => {
    it("counts a title about rule-making", () => {
      expect(isRegulationNews({ title: "Singapore restricts crypto advertising to the public", body: "" })).toBe(true);
    });

    it("counts a title about enforcement", () => {
      expect(isRegulationNews({ title: "US Treasury sanctions Tornado Cash crypto mixer", body: "" })).toBe(true);
    });

    it("counts a neutral title whose body keeps returning to rules", () => {
      const body =
        "Lawmakers in Brasília approved a bill that sets out how crypto firms may operate in the country. The legislation names the " +
        "central bank as the supervisor of virtual asset service providers, which will need a licence to serve Brazilian customers. " +
        "The regulator is expected to publish detailed rules within six months, and firms that fail the registration process face a penalty.";
      const title = "What Brazil's vote means for crypto exchanges";
      expect(isRegulationNews({ title, body })).toBe(true);
      expect(isRegulationNews({ title, body: "" })).toBe(false);
    });

    it("does not count a neutral title whose body mentions a rule only once", () => {
      const body =
        "The exchange said it would add three new tokens next week and cut fees for its most active users. A spokesperson said the " +
        "company was in talks with a regulator about expanding, but gave no timeline.";
      expect(isRegulationNews({ title: "Exchange adds three tokens and cuts fees", body })).toBe(false);
    });

    it("does not count a neutral title with an empty body", () => {
      expect(isRegulationNews({ title: "What happened in crypto this week", body: "" })).toBe(false);
    });

    it("treats missing categories and an empty list alike", () => {
      const story = { title: "Singapore restricts crypto advertising to the public", body: "" };
      expect(isRegulationNews({ ...story, categories: [] })).toBe(true);
      expect(isRegulationNews(story)).toBe(true);
    });
  });

  it("counts every article of the bundled corpus as regulation news once ingested", () => {
    const store = openTempStore();
    const core = createCore({ store, bundledDir });
    core.ensureCorpus();
    const articles = store.all();
    expect(articles.length).toBeGreaterThan(0);
    expect(articles.filter((a) => !a.relevant).map((a) => a.title)).toEqual([]);
    expect(articles.every((a) => a.relevant)).toBe(true);
  });
});
