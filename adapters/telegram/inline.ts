import { Composer, type Context } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { isRegbotError } from "../../src/errors.js";
import type { ArticleSummary, Citation } from "../../src/search/answer.js";
import { formatDate } from "../../src/search/answer.js";
import type { TelegramDeps } from "./context.js";
import { secondsSince, silentMetrics } from "../../src/metrics.js";
import { citationHtml, escapeHtml } from "./render.js";

/** Results per inline query (Telegram allows 50). */
const RESULTS = 10;

function result(id: string, article: ArticleSummary, html: string, snippet: string): InlineQueryResultArticle {
  const date = article.publishedAt ? formatDate(article.publishedAt) : "undated";
  return {
    type: "article",
    id,
    title: article.title.slice(0, 256),
    description: `${date} · ${snippet.replace(/\s+/g, " ")}`.slice(0, 256),
    input_message_content: { message_text: html, parse_mode: "HTML", link_preview_options: { is_disabled: true } },
  };
}

/** Inline mode: `@bot question` in any chat lists matching articles; choosing one sends it as a cited snippet. */
export function inlineMode(deps: TelegramDeps): Composer<Context> {
  const { core } = deps;
  const metrics = deps.metrics ?? silentMetrics;
  const composer = new Composer<Context>();
  composer.on("inline_query", async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    let results: InlineQueryResultArticle[] = [];
    if (!query) {
      results = core.latest({ limit: RESULTS }).map((a) => result(a.id, a, `<b>${escapeHtml(a.title)}</b>\n<i>${escapeHtml([a.source, a.publishedAt ? formatDate(a.publishedAt) : null].filter(Boolean).join(", "))}</i>`, a.jurisdictions.join(", ")));
    } else {
      try {
        const started = performance.now();
        const answer = core.ask(query, { maxCitations: RESULTS });
        metrics.answer("telegram", answer.citations.length > 0, secondsSince(started));
        results = answer.citations.map((c: Citation) => {
          const single = { ...c, n: 1 };
          const html = `${citationHtml(single)}${answer.footer ? `\n\n<i>${escapeHtml(answer.footer.replace(/^Newest source: [^.]+\. /, ""))}</i>` : ""}`;
          return result(c.article.id, c.article, html, c.snippet.text);
        });
      } catch (error) {
        if (!isRegbotError(error, "BAD_INPUT")) throw error;
      }
    }
    await ctx.answerInlineQuery(results, { cache_time: 60, is_personal: false });
  });
  return composer;
}
