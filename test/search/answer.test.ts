import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.js";
import { createArticleIndex } from "../../src/search/article-index.js";
import { answerQuestion } from "../../src/search/answer.js";

function article(id: string, title: string, body: string, publishedAt: string): Article {
  return { id, title, url: null, source: "test desk", publishedAt, jurisdictions: [], topics: [], body, contentHash: id, ingestedAt: "2024-01-01T00:00:00.000Z", guid: null, author: null, categories: [], relevant: true, alternates: [] };
}

/** Answers from an index over `articles`, the way the core does. */
function answer(articles: Article[], question: string) {
  const index = createArticleIndex();
  index.add(articles);
  const byId = new Map(articles.map((a) => [a.id, a]));
  return answerQuestion({ index, getArticle: (id) => byId.get(id), coveredJurisdictions: () => new Set(), now: () => new Date("2025-01-01T00:00:00Z") }, question);
}

describe("answerQuestion past the index's first hits", () => {
  // 150 older articles that match every word strongly, and one newer that matches a little less.
  const older = Array.from({ length: 150 }, (_, i) =>
    article(`old${i}`, `Zorblax exchange licence news ${i}`, `The zorblax exchange licence was news again. Zorblax exchange licence rules apply.`, "2020-03-01"),
  );
  const newer = article("new", "Zorblax exchange licence news", "The zorblax exchange licence was news, regulators said in a note.", "2024-06-01");

  it("lists the newest strong match first for a “latest” question, even when 100 others score higher", () => {
    const cited = answer([...older, newer], "latest zorblax exchange licence news").citations.map((c) => c.article.id);
    expect(cited[0]).toBe("new");
  });

  it("still cites the best-scoring articles for an ordinary question", () => {
    const cited = answer([...older, newer], "zorblax exchange licence news").citations.map((c) => c.article.id);
    expect(cited).not.toContain("new");
    expect(cited).toHaveLength(3);
  });
});
