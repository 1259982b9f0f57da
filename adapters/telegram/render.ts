import type { Article } from "../../src/articles/article.js";
import type { Answer, ArticleSummary, Citation } from "../../src/search/answer.js";
import { formatDate } from "../../src/search/answer.js";

/** Telegram's limit on one message's text, in characters (UTF-16 code units, as Telegram counts). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Escapes text for Telegram's HTML parse mode: every piece of user or article text goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Longest title shown, in characters: a scraped page whose first line is a whole paragraph has it as its title. */
const MAX_TITLE = 300;

/** The title, escaped; one longer than {@link MAX_TITLE} is shortened at a word, so a citation still fits a message. */
export function titleHtml(title: string): string {
  if (title.length <= MAX_TITLE) return escapeHtml(title);
  const cut = title.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(" ");
  return `${escapeHtml((space > MAX_TITLE / 2 ? cut.slice(0, space) : cut).trimEnd())}…`;
}

/** Escapes a URL for an `href` attribute; only http(s) links are linked at all (`null` otherwise). */
export function href(url: string | null): string | null {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  return escapeHtml(url).replace(/"/g, "&quot;");
}

/** One line of facts, escaped: source and date. */
export function facts(article: ArticleSummary): string {
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
  const title = titleHtml(citation.article.title);
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
      const title = titleHtml(a.title);
      const meta = [facts(a), escapeHtml(a.jurisdictions.join(", "))].filter(Boolean).join(" · ");
      return `${link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`}\n${meta ? `<i>${meta}</i> · ` : ""}/article_${a.id}`;
    }),
  );
}

/** A whole article as HTML messages: the heading, then its paragraphs, split to fit. */
export function renderArticleHtml(article: Article): string[] {
  const link = href(article.url);
  const title = titleHtml(article.title);
  const meta = [facts(article), escapeHtml(article.jurisdictions.join(", "))].filter(Boolean).join(" · ");
  const heading = `${link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`}${meta ? `\n<i>${meta}</i>` : ""}`;
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
      current = block.length <= limit ? block : truncateHtml(block, limit);
    }
  }
  if (current) messages.push(current);
  return messages;
}

/** Cuts HTML to at most `limit` characters, ending in "…", never inside a tag or an entity, closing the tags left open. */
export function truncateHtml(html: string, limit: number): string {
  const closers = (names: readonly string[]) => names.map((name) => `</${name}>`).reverse().join("");
  let open: string[] = [];
  let out = "";
  for (const [token] of html.matchAll(/<\/?\w+[^>]*>|&#?\w+;|[\s\S]/gu)) {
    const tag = /^<(\/?)(\w+)/.exec(token);
    const after = !tag ? open : tag[1] ? open.slice(0, -1) : [...open, tag[2]!];
    if (out.length + token.length + "…".length + closers(after).length > limit) break;
    out += token;
    open = after;
  }
  return `${out}…${closers(open)}`;
}

/**
 * Splits plain text (before escaping) at sentence or word boundaries so that each piece, escaped, fits `max`.
 * One pass: the escaped length is counted as it goes (escaping can make a character five long).
 */
export function splitPlain(text: string, max: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  let length = 0;
  let lastSpace = -1;
  let lastSentence = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const size = ch === "&" ? 5 : ch === "<" || ch === ">" ? 4 : 1;
    if (length + size > max) {
      const cut = lastSentence > start + (i - start) / 2 ? lastSentence : lastSpace > start ? lastSpace : i;
      pieces.push(text.slice(start, cut).trim());
      start = cut;
      while (text[start] === " ") start++;
      length = escapeHtml(text.slice(start, i)).length;
      lastSpace = lastSentence = -1;
    }
    length += size;
    if (ch === " ") {
      lastSpace = i;
      if (i > 0 && /[.!?]/.test(text[i - 1]!)) lastSentence = i;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) pieces.push(rest);
  return pieces.filter(Boolean);
}
