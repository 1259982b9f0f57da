import { Composer, InlineKeyboard, type Context } from "grammy";
import { isRegbotError } from "../../src/errors.js";
import type { Answer, Citation } from "../../src/search/answer.js";
import { answersAllowed } from "./answers-allowed.js";
import { replyHtml, type TelegramDeps } from "./context.js";
import { createRecentQuestions } from "../../src/chats/recent-questions.js";
import { createFloodGate } from "./flood.js";
import { secondsSince, silentMetrics } from "../../src/metrics.js";
import { escapeHtml, renderAnswerHtml, renderArticleHtml } from "./render.js";

/** Citations shown per answer and per "More". */
const PAGE = 3;
/** Questions remembered for their "More" button; older buttons answer that the answer has expired. */
const REMEMBERED = 2000;

/** Usage help for an empty `/ask`. */
export const ASK_USAGE = "Ask me about crypto regulation news, e.g. <code>/ask is crypto trading banned in China?</code>";

/**
 * Questions and their answers: any text in a private chat; `/ask`, a mention of the bot or a reply to it in a
 * group. Answers carry "More" and "Full article" buttons.
 */
export function questions(deps: TelegramDeps): Composer<Context> {
  const { core, logger } = deps;
  const metrics = deps.metrics ?? silentMetrics;
  const composer = new Composer<Context>();
  const gate = createFloodGate({ limit: deps.flood?.limit ?? 5, windowMs: deps.flood?.windowMs ?? 60_000, ...(deps.now ? { now: deps.now } : {}) });
  const recent = createRecentQuestions(REMEMBERED);

  /** Full-article buttons for the citations on this page, and "More" when the page was full (there may be more). */
  const keyboardFor = (page: readonly Citation[], key: string, shown: number): InlineKeyboard | undefined => {
    if (page.length === 0) return undefined;
    const keyboard = new InlineKeyboard();
    for (const c of page) keyboard.text(`Full article [${c.n}]`, `art:${c.article.id}`);
    if (page.length >= PAGE) keyboard.row().text("More", `more:${key}:${shown}`);
    return keyboard;
  };

  const answer = async (ctx: Context, question: string) => {
    if (!answersAllowed(core, ctx)) return;
    const from = ctx.from;
    if (from) {
      const verdict = gate.check(from.id);
      if (verdict === "drop") return;
      if (verdict === "warn") return replyHtml(ctx, ["You are asking faster than I can answer well: please wait a minute and ask again."]);
    }
    if (!question.trim()) return replyHtml(ctx, [ASK_USAGE]);
    let result: Answer;
    const started = performance.now();
    try {
      result = core.ask(question, { maxCitations: PAGE });
      metrics.answer("telegram", result.citations.length > 0, secondsSince(started));
    } catch (error) {
      if (isRegbotError(error, "BAD_INPUT")) return replyHtml(ctx, [escapeHtml(error.message)]);
      throw error;
    }
    logger.debug({ update: ctx.update.update_id, chat: ctx.chat?.id, citations: result.citations.length }, "answered a question");
    await replyHtml(ctx, renderAnswerHtml(result), keyboardFor(result.citations, recent.remember(question), PAGE));
  };

  composer.command("ask", (ctx) => answer(ctx, ctx.match));

  // In a private chat, any text that is not a command is a question.
  composer.chatType("private").on("message:text", async (ctx, nextMiddleware) => {
    if (ctx.msg.text.startsWith("/")) return nextMiddleware();
    await answer(ctx, ctx.msg.text);
  });

  // In groups: a message that mentions the bot, or replies to one of its messages.
  composer.chatType(["group", "supergroup"]).on("message:text", async (ctx, nextMiddleware) => {
    const text = ctx.msg.text;
    const mention = `@${ctx.me.username}`.toLowerCase();
    const mentioned = (ctx.msg.entities ?? []).some((e) => e.type === "mention" && text.slice(e.offset, e.offset + e.length).toLowerCase() === mention);
    // In a forum topic every message "replies" to the topic's first message: that is not a reply to the bot.
    const reply = ctx.msg.reply_to_message;
    const topicStarter = reply !== undefined && ctx.msg.is_topic_message === true && reply.message_id === ctx.msg.message_thread_id;
    const repliesToBot = reply?.from?.id === ctx.me.id && !topicStarter;
    if (text.startsWith("/") || (!mentioned && !repliesToBot)) return nextMiddleware();
    const question = mentioned ? text.replace(new RegExp(`@${ctx.me.username}\\b`, "gi"), " ").trim() : text;
    await answer(ctx, question);
  });

  composer.callbackQuery(/^more:([0-9a-z]+):(\d+)$/, async (ctx) => {
    const question = recent.recall(ctx.match[1]!);
    if (!question) return ctx.answerCallbackQuery({ text: "This answer has expired: please ask again." });
    const shown = Number(ctx.match[2]);
    const result = core.ask(question, { maxCitations: shown + PAGE });
    const fresh = result.citations.slice(shown);
    if (fresh.length === 0) return ctx.answerCallbackQuery({ text: "No more stored articles answer this." });
    await ctx.answerCallbackQuery();
    const page: Answer = { ...result, notice: null, citations: fresh };
    await replyHtml(ctx, renderAnswerHtml(page, fresh), keyboardFor(fresh, ctx.match[1]!, shown + PAGE));
  });

  composer.callbackQuery(/^art:([0-9a-f]{1,16})$/, async (ctx) => {
    let messages: string[];
    try {
      messages = renderArticleHtml(core.article(ctx.match[1]!));
    } catch (error) {
      if (isRegbotError(error, "NOT_FOUND")) return ctx.answerCallbackQuery({ text: "That article is no longer stored." });
      throw error;
    }
    await ctx.answerCallbackQuery();
    await replyHtml(ctx, messages);
  });

  return composer;
}
