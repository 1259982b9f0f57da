import type { Article } from "../../src/articles/article.js";
import type { Answer, ArticleSummary, Citation } from "../../src/search/answer.js";
import { formatDate } from "../../src/search/answer.js";

/** Telegram's limit on one message's text, in characters (UTF-16 code units, as Telegram counts). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Escapes text for Telegram's HTML parse mode: every piece of user or article text goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes a URL for an `href` attribute; only http(s) links are linked at all. */
function href(url: string | null): string | null {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  return escapeHtml(url).replace(/"/g, "&quot;");
}

/** One line of facts: source and date. */
function facts(article: ArticleSummary): string {
  return [article.source, article.publishedAt ? formatDate(article.publishedAt) : null].filter(Boolean).map((s) => escapeHtml(String(s))).join(", ");
}

/** The snippet with its highlights in bold, everything escaped, a paragraph break shown as a space. */
function snippetHtml(citation: Citation): string {
  const { text, highlights } = citation.snippet;
  const flat = (s: string) => escapeHtml(s.replace(/\s+/g, " "));
  let out = "";
  let at = 0;
  for (const [start, end] of highlights) {
    out += `${flat(text.slice(at, start))}<b>${flat(text.slice(start, end))}</b>`;
    at = end;
  }
  return out + flat(text.slice(at));
}

/** A citation as a block of Telegram HTML: number, linked title, source and date, the snippet. */
export function citationHtml(citation: Citation): string {
  const link = href(citation.article.url);
  const title = escapeHtml(citation.article.title);
  const heading = link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`;
  const meta = facts(citation.article);
  return `<b>[${citation.n}]</b> ${heading}${meta ? `\n<i>${meta}</i>` : ""}\n“${snippetHtml(citation)}”`;
}

/**
 * Renders an answer as Telegram HTML messages, each within {@link TELEGRAM_MESSAGE_LIMIT}, split between
 * citations (never inside a tag). With no citations: the notice and suggestions.
 */
export function renderAnswerHtml(answer: Answer, citations: readonly Citation[] = answer.citations): string[] {
  const blocks: string[] = [];
  if (answer.notice) blocks.push(citations.length ? `<i>${escapeHtml(answer.notice)}</i>` : escapeHtml(answer.notice));
  for (const c of citations) blocks.push(citationHtml(c));
  if (citations.length === 0) blocks.push(answer.suggestions.map((s) => `• ${escapeHtml(s)}`).join("\n"));
  else if (answer.footer) blocks.push(`<i>${escapeHtml(answer.footer)}</i>`);
  return packBlocks(blocks.filter(Boolean));
}

/** A list of articles (for /latest) as HTML messages. */
export function renderArticleListHtml(articles: readonly ArticleSummary[]): string[] {
  return packBlocks(
    articles.map((a) => {
      const link = href(a.url);
      const title = escapeHtml(a.title);
      const meta = [facts(a), escapeHtml(a.jurisdictions.join(", "))].filter(Boolean).join(" · ");
      return `${link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`}\n<i>${meta}</i> · /article_${a.id}`;
    }),
  );
}

/** A whole article as HTML messages: the heading, then its paragraphs, split to fit. */
export function renderArticleHtml(article: Article): string[] {
  const link = href(article.url);
  const title = escapeHtml(article.title);
  const heading = `${link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`}\n<i>${[facts(article), escapeHtml(article.jurisdictions.join(", "))].filter(Boolean).join(" · ")}</i>`;
  const paragraphs = article.body.split(/\n\s*\n/).flatMap((p) => splitPlain(p.replace(/\s+/g, " ").trim(), TELEGRAM_MESSAGE_LIMIT - 100)).map(escapeHtml);
  return packBlocks([heading, ...paragraphs]);
}

/** Joins blocks with blank lines into as few messages as fit the limit. */
export function packBlocks(blocks: readonly string[], limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  const messages: string[] = [];
  let current = "";
  for (const block of blocks) {
    const next = current ? `${current}\n\n${block}` : block;
    if (next.length <= limit) current = next;
    else {
      if (current) messages.push(current);
      current = block.length <= limit ? block : block.slice(0, limit);
    }
  }
  if (current) messages.push(current);
  return messages;
}

/** Splits plain text (before escaping) at sentence or word boundaries so that each piece, escaped, fits `max`. */
export function splitPlain(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  // Escaping can grow text up to five times (&amp;); measure the escaped length.
  while (escapeHtml(rest).length > max) {
    let cut = Math.floor(max / 5);
    for (let i = Math.min(rest.length, max); i > max / 5; i--) {
      if (escapeHtml(rest.slice(0, i)).length <= max) {
        cut = i;
        break;
      }
    }
    const window = rest.slice(0, cut);
    const boundary = Math.max(window.lastIndexOf(". "), window.lastIndexOf(" "));
    const at = boundary > cut / 2 ? boundary + 1 : cut;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
