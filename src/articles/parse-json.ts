import type { ArticleDraft } from "./article.js";
import { normalizeDate } from "./article.js";

/** Parses a JSON file holding one article object or an array of them. Each item parses on its own. */
export function parseJsonArticles(text: string): Array<ArticleDraft | { error: string }> | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const items = Array.isArray(data) ? data : [data];
  if (items.length === 0) return { error: "the JSON array is empty" };
  return items.map((item) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? draftFromFields(item as Record<string, unknown>)
      : { error: "expected an article object with title and body" },
  );
}

/** Builds a draft from loosely typed fields (JSON or front matter), naming what is missing or wrong. */
export function draftFromFields(fields: Record<string, unknown>): ArticleDraft | { error: string } {
  const title = typeof fields.title === "string" ? fields.title.replace(/\s+/g, " ").trim() : "";
  const body = typeof fields.body === "string" ? fields.body.trim() : "";
  if (!title) return { error: "missing title" };
  if (!body) return { error: "missing body text" };
  const published = fields.publishedAt ?? fields.published ?? fields.date;
  const publishedAt = normalizeDate(published);
  if (published !== undefined && published !== null && published !== "" && publishedAt === null) {
    return { error: `unreadable date ${JSON.stringify(String(published))} (use YYYY-MM-DD)` };
  }
  return {
    title,
    body,
    url: typeof fields.url === "string" ? fields.url : null,
    source: typeof fields.source === "string" && fields.source.trim() ? fields.source.trim() : null,
    publishedAt,
    jurisdictions: stringList(fields.jurisdictions),
    topics: stringList(fields.topics),
  };
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  return undefined;
}
