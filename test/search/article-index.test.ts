import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.js";
import { findWords } from "../../src/articles/words.js";
import { analyze, termOf } from "../../src/search/analyzer.js";
import { NumberList } from "../../src/search/number-list.js";
import { createArticleIndex, type ArticleIndex, type QueryTerm } from "../../src/search/article-index.js";

function article(id: string, title: string, body: string, options: { jurisdictions?: string[]; publishedAt?: string | null; relevant?: boolean } = {}): Article {
  return {
    id,
    title,
    url: null,
    source: "test desk",
    publishedAt: options.publishedAt === undefined ? "2023-05-01" : options.publishedAt,
    jurisdictions: options.jurisdictions ?? [],
    topics: [],
    body,
    contentHash: id,
    ingestedAt: "2024-01-01T00:00:00.000Z",
    guid: null,
    author: null,
    categories: [],
    relevant: options.relevant ?? true,
    alternates: [],
  };
}

const ARTICLES = [
  article("eu", "EU adopts MiCA rules for stablecoin issuers", "The regulation sets reserve rules for stablecoin issuers and licences for exchanges.", { jurisdictions: ["European Union"], publishedAt: "2023-06-09" }),
  article("jp", "Japan passes stablecoin law", "Only banks and trust companies may issue stablecoins, the new law says.", { jurisdictions: ["Japan"], publishedAt: "2022-06-03" }),
  article("cn", "China bans crypto trading", "The central bank said all crypto trading and mining is illegal.", { jurisdictions: ["China"], publishedAt: "2021-09-24" }),
  article("us", "SEC approves spot bitcoin ETFs", "The commission approved eleven exchange-traded products that hold bitcoin.", { jurisdictions: ["United States"], publishedAt: "2024-01-10" }),
  article("old", "Undated note on exchanges", "Exchanges must register with the regulator.", { publishedAt: null }),
];

/** The question's words as the engine gets them: analysed terms of weight 1. */
const terms = (question: string): QueryTerm[] => analyze(question).map((term) => ({ term, weight: 1 }));
const ids = (index: ArticleIndex, question: string, limit?: number) => index.search(terms(question), undefined, limit).map((h) => h.id);

function built(): ArticleIndex {
  const index = createArticleIndex();
  index.add(ARTICLES);
  return index;
}

describe("ArticleIndex.search", () => {
  it("finds the articles that contain the question's words, best first", () => {
    const index = built();
    expect(ids(index, "stablecoin issuers")[0]).toBe("eu");
    expect(ids(index, "stablecoin issuers")).toContain("jp");
    expect(ids(index, "pizza")).toEqual([]);
  });

  it("ranks an article matching more of the question above one that repeats a single word", () => {
    const index = createArticleIndex();
    index.add([
      article("repeats", "Mining report", "Mining mining mining mining mining mining in many places."),
      article("both", "Report on Kazakhstan", "Bitcoin mining grew in Kazakhstan last year."),
    ]);
    expect(ids(index, "kazakhstan mining")[0]).toBe("both");
  });

  it("returns at most `limit` hits, the best ones", () => {
    const index = built();
    const all = index.search(terms("exchanges stablecoin bitcoin crypto"));
    const two = index.search(terms("exchanges stablecoin bitcoin crypto"), undefined, 2);
    expect(all.length).toBeGreaterThan(2);
    expect(two.map((h) => h.id)).toEqual(all.slice(0, 2).map((h) => h.id));
  });

  it("keeps only articles the filter accepts, and still fills the limit from the rest", () => {
    const index = built();
    const hits = index.search(terms("stablecoin exchanges"), (meta) => meta.jurisdictions.includes("Japan"), 1);
    expect(hits.map((h) => h.id)).toEqual(["jp"]);
  });

  it("says which query terms each hit matched", () => {
    const [hit] = built().search(terms("stablecoin issuers pizza"));
    expect(hit?.matched).toEqual(analyze("stablecoin issuers"));
  });

  it("completes a prefix term to the words that start with it", () => {
    const index = built();
    expect(index.search([{ term: "regis", weight: 1, prefix: true }]).map((h) => h.id)).toEqual(["old"]);
  });

  it("no longer finds a removed article, and forgets its terms' counts", () => {
    const index = built();
    const [term] = analyze("mining");
    expect(index.documentFrequency(term!)).toBe(1);
    index.remove([ARTICLES[2]!]);
    expect(ids(index, "china crypto mining")).not.toContain("cn");
    expect(index.documentFrequency(term!)).toBe(0);
    expect(index.size).toBe(ARTICLES.length - 1);
  });

  it("replaces an article added again under the same id, even without removing it first", () => {
    const index = built();
    index.add([article("cn", "China bans crypto trading", "Licences for exchanges are suspended.", { jurisdictions: ["China"] })]);
    expect(ids(index, "mining")).not.toContain("cn");
    expect(ids(index, "suspended")).toEqual(["cn"]);
    expect(index.size).toBe(ARTICLES.length);
  });

  it("indexes a changed article's new text in place of the old", () => {
    const index = built();
    index.remove([ARTICLES[1]!]);
    index.add([article("jp", "Japan passes stablecoin law", "Yen stablecoins need a licence from the FSA.", { jurisdictions: ["Japan"] })]);
    expect(ids(index, "trust companies")).not.toContain("jp");
    expect(ids(index, "yen licence")).toContain("jp");
    expect(index.size).toBe(ARTICLES.length);
  });
});

describe("ArticleIndex.search on many articles", () => {
  // 400 articles: common words in most, names in few, titles and bodies mixed so that either can win.
  const COMMON = ["crypto", "exchange", "regulators", "rules", "bitcoin", "licence"];
  const NAMES = ["zorblax", "quentaro", "veltrix", "mirabond"];
  const many = Array.from({ length: 400 }, (_, i) => {
    const pick = (list: string[], every: number) => list.filter((_, j) => (i + j) % every !== 0);
    const title = `${pick(COMMON, 3).slice(0, 2 + (i % 3)).join(" ")} ${i % 37 === 0 ? NAMES[i % 4] : ""}`;
    const body = `${pick(COMMON, 2).join(" ")}. ${i % 11 === 0 ? `${NAMES[i % 4]} was named. ` : ""}${"Filler text about markets. ".repeat(i % 7)}`;
    return article(`a${i}`, title, body, { jurisdictions: [i % 2 ? "Japan" : "China"] });
  });

  it.each(["zorblax crypto exchange rules", "veltrix bitcoin", "crypto exchange regulators rules", "quentaro mirabond licence"])(
    "returns the best articles for “%s” exactly as scoring every match would",
    (question) => {
      const index = createArticleIndex();
      index.add(many);
      for (const filter of [undefined, (meta: { jurisdictions: readonly string[] }) => meta.jurisdictions.includes("Japan")]) {
        const everything = index.search(terms(question), filter, 10_000);
        const best = index.search(terms(question), filter, 5);
        expect(best.map((h) => h.score)).toEqual(everything.slice(0, 5).map((h) => h.score));
        expect(best.map((h) => h.matched)).toEqual(everything.slice(0, 5).map((h) => h.matched));
      }
    },
  );
});

describe("ArticleIndex.add", () => {
  it("indexes bodies whose words another thread found exactly as bodies it reads itself", () => {
    const withWords = ARTICLES.map((a) => {
      const spans = new NumberList();
      findWords(a.body, spans);
      return { ...a, bodyWords: spans.items.subarray(0, spans.length) };
    });
    const read = createArticleIndex();
    read.add(ARTICLES);
    const given = createArticleIndex();
    given.add(withWords);
    expect(Buffer.from(given.toBytes())).toEqual(Buffer.from(read.toBytes()));
  });
});

describe("ArticleIndex.toBytes", () => {
  it("loads into an index that answers exactly as the one saved", () => {
    const index = built();
    const loaded = createArticleIndex(index.toBytes());
    for (const question of ["stablecoin issuers", "bitcoin exchanges", "china crypto", "licence"]) {
      expect(loaded.search(terms(question))).toEqual(index.search(terms(question)));
    }
    expect(loaded.size).toBe(index.size);
    expect(loaded.newest(5)).toEqual(index.newest(5));
  });

  it("leaves removed articles out of the saved index", () => {
    const index = built();
    index.remove([ARTICLES[3]!]);
    const loaded = createArticleIndex(index.toBytes());
    expect(ids(loaded, "bitcoin ETFs")).toEqual([]);
    expect(loaded.size).toBe(ARTICLES.length - 1);
    expect(loaded.documentFrequency(analyze("bitcoin")[0]!)).toBe(0);
  });

  it("keeps growing after loading: new articles are found beside the loaded ones", () => {
    const loaded = createArticleIndex(built().toBytes());
    loaded.add([article("sg", "Singapore licenses stablecoin issuers", "MAS granted licences to three stablecoin issuers.", { jurisdictions: ["Singapore"] })]);
    expect(ids(loaded, "stablecoin issuers")).toEqual(expect.arrayContaining(["eu", "jp", "sg"]));
    expect(loaded.vocabulary.has("singapore")).toBe(true);
  });

  it("saves terms found in many articles whole, with and without removed articles", () => {
    // Long posting lists are copied in one piece when no article was removed, entry by entry otherwise.
    const many = Array.from({ length: 150 }, (_, i) => article(`a${i}`, `Exchange ${i} licensed`, `Regulators licensed exchange number ${i}.${" Stablecoin rules apply.".repeat(i % 5)}`));
    for (const removed of [[], many.filter((_, i) => i % 3 === 0)]) {
      const index = createArticleIndex();
      index.add(many);
      index.remove(removed);
      const loaded = createArticleIndex(index.toBytes());
      for (const question of ["licensed exchange", "stablecoin rules", "exchange 42"]) {
        expect(loaded.search(terms(question), undefined, 200)).toEqual(index.search(terms(question), undefined, 200));
      }
      const withRules = many.filter((a, i) => i % 5 !== 0 && !removed.includes(a)).map((a) => a.id);
      expect(ids(loaded, "stablecoin rules", 200).sort()).toEqual(withRules.sort());
      expect(loaded.size).toBe(150 - removed.length);
    }
  });

  it("refuses bytes that are not a saved index", () => {
    expect(() => createArticleIndex(new TextEncoder().encode('{"format":"x"}'))).toThrow(/binary layout/);
  });
});

describe("ArticleIndex.newest", () => {
  it("lists the newest articles first, undated ones last, within the filter", () => {
    const index = built();
    expect(index.newest(3)).toEqual(["us", "eu", "jp"]);
    expect(index.newest(10).at(-1)).toBe("old");
    expect(index.newest(2, (meta) => meta.jurisdictions.includes("China") || meta.jurisdictions.includes("Japan"))).toEqual(["jp", "cn"]);
  });
});

describe("ArticleIndex.vocabulary", () => {
  it("holds the written words of the articles, with how often they occur, and lets go of a removed article's", () => {
    const index = built();
    expect(index.vocabulary.get("stablecoin")?.count).toBeGreaterThanOrEqual(2);
    const zorblax = article("z", "Zorblax token banned", "Regulators banned the zorblax token.");
    index.add([zorblax]);
    expect(index.vocabulary.get("zorblax")?.count).toBe(2);
    index.remove([zorblax]);
    expect(index.vocabulary.has("zorblax")).toBe(false);
  });
});

describe("ArticleIndex.jargon", () => {
  it("holds the search terms of the articles' words that are not English, from titles and bodies, kept through a save", () => {
    const index = createArticleIndex();
    index.add([article("j", "Zorblaxes fined", "Regulators fined Binance and the Kraxoning exchanges.")]);
    const expected = ["binanc", "kraxon", "zorblax"];
    expect([...index.jargon()].sort()).toEqual(expected);
    expect(expected).toEqual(["binance", "kraxoning", "zorblaxes"].map(termOf).sort());
    expect([...createArticleIndex(index.toBytes()).jargon()].sort()).toEqual(expected);
  });
});
