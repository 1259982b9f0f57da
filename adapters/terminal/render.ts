import pc from "picocolors";
import type { Article } from "../../src/articles/article.js";
import type { Answer, ArticleSummary } from "../../src/search/answer.js";
import { formatDate } from "../../src/search/answer.js";
import { quoteInput } from "../../src/errors.js";

/** How terminal text is styled: ANSI bold and colours on a terminal, plain text for pipes and `--json`. */
export interface Style {
  readonly color: boolean;
}

const PLAIN: Style = { color: false };

// The adapter decides on colour (`Style.color`); picocolors' own guess (stdout a TTY, NO_COLOR) must not
// override it, or `{ color: true }` would silently print plain text whenever stdout is not a terminal.
const ansi = pc.createColors(true);

/** Removes control characters (and so ANSI escapes) from text we did not write, so it cannot restyle the terminal. */
export function clean(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

function paint(style: Style) {
  const on = style.color;
  return {
    bold: (s: string) => (on ? ansi.bold(s) : s),
    dim: (s: string) => (on ? ansi.dim(s) : s),
    cyan: (s: string) => (on ? ansi.cyan(s) : s),
  };
}

/** One line of facts about an article: source, date, jurisdictions and id. */
export function byline(article: ArticleSummary): string {
  return [article.source, article.publishedAt ? formatDate(article.publishedAt) : "undated", article.jurisdictions.join(", ") || null, `id ${article.id}`]
    .filter(Boolean)
    .map((s) => clean(String(s)))
    .join(" · ");
}

/** Renders an answer for the terminal; with the plain style it is the `answer` text of `ask --json`. */
export function renderAnswer(answer: Answer, style: Style = PLAIN): string {
  const p = paint(style);
  const lines: string[] = [];
  if (answer.notice) lines.push(answer.citations.length ? p.dim(answer.notice) : answer.notice, "");
  for (const c of answer.citations) {
    const { text, highlights } = c.snippet;
    // A snippet may span a paragraph break; on screen it reads as one passage.
    const flat = (s: string) => clean(s.replace(/\s+/g, " "));
    let snippet = "";
    let at = 0;
    for (const [start, end] of highlights) {
      snippet += flat(text.slice(at, start)) + p.bold(flat(text.slice(start, end)));
      at = end;
    }
    snippet += flat(text.slice(at));
    lines.push(`${p.cyan(`[${c.n}]`)} ${p.bold(clean(c.article.title))}`);
    lines.push(`    ${p.dim(byline(c.article))}`);
    lines.push(`    “${snippet}”`);
    if (c.article.url) lines.push(`    ${clean(c.article.url)}`);
    lines.push("");
  }
  if (answer.citations.length === 0) for (const s of answer.suggestions) lines.push(`  • ${s}`);
  if (answer.footer) lines.push(p.dim(answer.footer));
  while (lines.at(-1) === "") lines.pop();
  return lines.join("\n");
}

/** Renders a list of articles, newest first. */
export function renderArticleList(articles: readonly ArticleSummary[], style: Style = PLAIN, jurisdiction?: string): string {
  const p = paint(style);
  if (articles.length === 0 && jurisdiction) return `No stored article about “${quoteInput(jurisdiction)}”. See all the newest with /latest.`;
  if (articles.length === 0) return "No articles stored yet. Add some with `regbot ingest PATH`.";
  return articles.map((a) => `${p.bold(clean(a.title))}\n    ${p.dim(byline(a))}${a.url ? `\n    ${clean(a.url)}` : ""}`).join("\n");
}

/** Renders one whole article. */
export function renderArticle(article: Article, style: Style = PLAIN): string {
  const p = paint(style);
  const topics = article.topics.length ? `\n${p.dim(`Topics: ${article.topics.join(", ")}`)}` : "";
  return `${p.bold(clean(article.title))}\n${p.dim(byline(article))}${article.url ? `\n${clean(article.url)}` : ""}${topics}\n\n${clean(article.body)}`;
}
