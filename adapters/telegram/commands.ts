import { Composer, type Context } from "grammy";
import { isRegbotError } from "../../src/errors.js";
import { formatDate } from "../../src/search/answer.js";
import { TELEGRAM_ALERT_COMMANDS } from "./alerts.js";
import { answersAllowed } from "./answers-allowed.js";
import { replyHtml, type TelegramDeps } from "./context.js";
import { TELEGRAM_MODERATION_COMMANDS } from "./moderation.js";
import { escapeHtml, renderArticleHtml, renderArticleListHtml } from "./render.js";

/** The commands shown in Telegram's menu (registered with setMyCommands at start). */
export const TELEGRAM_COMMANDS = [
  { command: "ask", description: "Ask about crypto regulation news" },
  { command: "latest", description: "Newest articles, optionally for one jurisdiction" },
  { command: "article", description: "Show a whole article by its id" },
  { command: "about", description: "What the bot knows and where it comes from" },
  { command: "help", description: "How to use the bot" },
] as const;

/** The commands of private chats, registered for them: everyone may subscribe their own chat to new articles. */
export const TELEGRAM_PRIVATE_COMMANDS = [...TELEGRAM_COMMANDS, ...TELEGRAM_ALERT_COMMANDS] as const;

/** The admin-only commands, registered for chat administrators. */
export const TELEGRAM_ADMIN_COMMANDS = [
  ...TELEGRAM_COMMANDS,
  { command: "qa", description: "Answers here: on, off, or only in this topic" },
  ...TELEGRAM_MODERATION_COMMANDS,
  ...TELEGRAM_ALERT_COMMANDS,
] as const;

const EXAMPLES = ["is crypto trading banned in China?", "what does MiCA require of stablecoin issuers?", "any news from Hong Kong?"];

function helpText(privateChat: boolean): string {
  return [
    "I answer questions about crypto regulation news with numbered citations from the articles I store — never with text of my own.",
    "",
    privateChat ? "Just send me a question, for example:" : "Ask with /ask, mention me, or reply to one of my answers, for example:",
    ...EXAMPLES.map((e) => `• <code>${privateChat ? "" : "/ask "}${escapeHtml(e)}</code>`),
    "",
    "/latest [jurisdiction] — the newest articles (e.g. <code>/latest eu</code>)",
    "/article ID — a whole article (ids are under /latest)",
    "/about — what I know and where it comes from",
    privateChat
      ? "/subscribe [jurisdiction or keywords] — new articles sent to you as they come (e.g. <code>/subscribe EU stablecoins</code>); /subscriptions, /unsubscribe N"
      : "/subscribe [jurisdiction or keywords], /subscriptions, /unsubscribe N — admins: new articles posted in this chat as they come",
    ...(privateChat ? [] : ["/qa on|off|here — admins: where I answer in this group", "/warn, /warns, /unwarn, /resetwarns, /warnconfig, /modlog — moderation (reply to a member's message)"]),
    "",
    "This is news, not legal advice.",
  ].join("\n");
}

/** /start, /help, /about, /latest, /article (and the tappable /article_ID form). */
export function commands(deps: TelegramDeps): Composer<Context> {
  const { core } = deps;
  const composer = new Composer<Context>();
  const isPrivate = (ctx: Context) => ctx.chat?.type === "private";

  composer.command(["start", "help"], (ctx) => replyHtml(ctx, [helpText(isPrivate(ctx))]));

  composer.command("about", (ctx) => {
    const about = core.about();
    return replyHtml(ctx, [
      [
        `I store <b>${about.articles}</b> articles on crypto regulation${about.newest ? `; the newest is from ${escapeHtml(formatDate(about.newest))}` : ""}.`,
        about.sources.length ? `Sources: ${escapeHtml(about.sources.join(", "))}.` : "",
        about.jurisdictions.length ? `Jurisdictions: ${escapeHtml(about.jurisdictions.join(", "))}.` : "",
        "Answers quote stored articles only. This is news, not legal advice.",
      ]
        .filter(Boolean)
        .join("\n"),
    ]);
  });

  composer.command("latest", async (ctx) => {
    if (!answersAllowed(core, ctx)) return;
    const jurisdiction = ctx.match.trim() || undefined;
    try {
      const articles = core.latest({ jurisdiction, limit: 5 });
      if (articles.length === 0) {
        return replyHtml(ctx, [jurisdiction ? `No stored article about “${escapeHtml(jurisdiction.slice(0, 40))}”. Try /latest without a jurisdiction.` : "No articles are stored yet."]);
      }
      await replyHtml(ctx, renderArticleListHtml(articles));
    } catch (error) {
      if (isRegbotError(error, "BAD_INPUT")) return replyHtml(ctx, [escapeHtml(error.message)]);
      throw error;
    }
  });

  const showArticle = async (ctx: Context, id: string) => {
    if (!answersAllowed(core, ctx)) return;
    if (!id.trim()) return replyHtml(ctx, ["Usage: <code>/article ID</code> — ids are shown under /latest."]);
    try {
      await replyHtml(ctx, renderArticleHtml(core.article(id)));
    } catch (error) {
      if (isRegbotError(error, "NOT_FOUND")) return replyHtml(ctx, [escapeHtml(error.message)]);
      throw error;
    }
  };
  composer.command("article", (ctx) => showArticle(ctx, ctx.match));
  composer.hears(/^\/article_([0-9a-f]{1,16})(?:@(\w+))?\b/i, (ctx, next) => {
    // `/article_ID@otherbot` in a group is meant for another bot, as `/ask@otherbot` is.
    const target = ctx.match[2];
    if (target && target.toLowerCase() !== ctx.me.username.toLowerCase()) return next();
    return showArticle(ctx, ctx.match[1]!);
  });

  return composer;
}

/** Answers an unknown command in a private chat (in groups it may be meant for another bot, so it is ignored). */
export function unknownCommands(): Composer<Context> {
  const composer = new Composer<Context>();
  composer.chatType("private").on("message:text", (ctx) => {
    if (!ctx.msg.text.startsWith("/")) return;
    return replyHtml(ctx, ["I do not know that command. /help lists what I can do."]);
  });
  return composer;
}
