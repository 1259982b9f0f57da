import type { Article } from "../../src/articles/article.js";
import type { Answer, ArticleSummary, Citation } from "../../src/search/answer.js";

/** Hand-made core values for the renderers' tests: each builder takes the fields a test cares about. */
export function summary(fields: Partial<ArticleSummary> = {}): ArticleSummary {
  return { id: "0123456789", title: "EU adopts MiCA", url: null, source: null, publishedAt: null, jurisdictions: ["European Union"], topics: [], ...fields };
}

export function citation(n: number, fields: Partial<ArticleSummary> = {}, snippet: Citation["snippet"] = { text: "Issuers must hold reserves.", highlights: [] }): Citation {
  return { n, article: summary(fields), snippet };
}

export function fullArticle(fields: Partial<Article> = {}): Article {
  return { ...summary(), body: "Short body.", contentHash: "x", ingestedAt: "2024-01-01T00:00:00.000Z", guid: null, author: null, categories: [], relevant: true, alternates: [], ...fields };
}

export function answer(fields: Partial<Answer> = {}): Answer {
  return { query: "q", citations: [], notice: null, suggestions: [], footer: null, ...fields };
}
