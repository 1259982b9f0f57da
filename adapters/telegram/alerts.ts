import { Composer, GrammyError, HttpError, type Api, type Context } from "grammy";
import type { Article } from "../../src/articles/article.js";
import { alertLead, type AlertMessage, type AlertOutcome, type AlertSender } from "../../src/alerts/dispatch.js";
import { subscriptionPhrase } from "../../src/alerts/match.js";
import { queryKey, type Subscription } from "../../src/alerts/subscriptions.js";
import { isRegbotError } from "../../src/errors.js";
import { replyHtml, threadOf, type TelegramDeps } from "./context.js";
import type { ModeratorGate } from "./moderators.js";
import { escapeHtml, facts, href, TELEGRAM_MESSAGE_LIMIT, titleHtml, truncateHtml } from "./render.js";

const PLATFORM = "telegram";

/** The alert commands in Telegram's menus: in private chats (anyone subscribes their own chat) and for chat administrators. */
export const TELEGRAM_ALERT_COMMANDS = [
  { command: "subscribe", description: "Post new regulation articles here (optionally a jurisdiction or keywords)" },
  { command: "subscriptions", description: "This chat's subscriptions to new articles" },
  { command: "unsubscribe", description: "Stop a subscription (its number or its text)" },
] as const;

/** Longest excerpt of the article shown under a single alert, in characters (before escaping). */
const LEAD_MAX = 280;
/** Longer links are not linked: Telegram refuses some, and one would crowd out the message. */
const URL_MAX = 2000;

const chatKey = (id: number | string) => String(id);
/** The message as it is when it fits, else cut (never inside a tag or an entity). */
const fit = (html: string, limit = TELEGRAM_MESSAGE_LIMIT) => (html.length <= limit ? html : truncateHtml(html, limit));
/** Telegram accepts numeric ids as numbers and "@channel" names as strings. */
const chatIdParam = (id: string): number | string => (/^-?\d+$/.test(id) ? Number(id) : id);

/** "about European Union mentioning stablecoins" (HTML), or "" when the subscription takes all regulation news. */
const filterHtml = (query: string) => escapeHtml(subscriptionPhrase(query));

/** "New regulation articles about … will be posted here." */
function willBePosted(query: string, where: string): string {
  const filter = filterHtml(query);
  return filter ? `New regulation articles ${filter} will be posted ${where}.` : `All new regulation articles will be posted ${where}.`;
}

/** One numbered line of /subscriptions. */
function subscriptionLine(sub: Subscription, n: number, thread: string | null): string {
  const filter = filterHtml(sub.query);
  const what = sub.query ? `<b>${escapeHtml(sub.query)}</b>: ${filter ? `regulation articles ${filter}` : "all regulation news"}` : "<b>all regulation news</b>";
  const topic = sub.threadId ? (sub.threadId === thread ? " (in this topic)" : " (in another topic)") : "";
  const paused = sub.pausedReason ? `\n    <i>paused: ${escapeHtml(sub.pausedReason)}</i>` : "";
  return `${n}. ${what}${topic}${paused}`;
}

/**
 * `/subscribe [jurisdiction or keywords]`, `/subscriptions` and `/unsubscribe <number or text>`: a chat asks for
 * new regulation articles to be posted in it. In a group only moderators (the creator, or admins who can restrict
 * members) subscribe and unsubscribe, an anonymous admin through the Confirm button; in a private chat the user
 * subscribes their own chat; in a channel any post counts (only its admins can post). In a forum topic the alerts
 * go to that topic. Subscriptions follow a group that becomes a supergroup.
 */
export function alerts(deps: TelegramDeps, moderators: ModeratorGate): Composer<Context> {
  const store = deps.core.subscriptions;
  const composer = new Composer<Context>();


  // Removed from a chat (or blocked in a private one): its subscriptions pause at once, not at the next failed send.
  composer.on("my_chat_member", (ctx, next) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === "left" || status === "kicked") {
      store.pauseChat(PLATFORM, chatKey(ctx.chat.id), status === "kicked" ? "the bot was removed or blocked" : "the bot left the chat");
    }
    return next();
  });

  /**
   * Runs a command that changes the chat's subscriptions, for whoever may: the user in a private chat, any post in
   * a channel, a moderator in a group. `by` is who did it (a user id, or "channel").
   */
  const changing = (run: (ctx: Context, by: string) => Promise<void>) => async (ctx: Context) => {
    const chat = ctx.chat;
    // A channel's post copied into its discussion group: the channel itself has already been answered.
    if (!chat || ctx.msg?.is_automatic_forward) return;
    if (chat.type === "channel") return run(ctx, "channel");
    if (chat.type === "private") return run(ctx, String(ctx.from?.id ?? chat.id));
    await moderators.guard(ctx, (inner, moderator) => run(inner, String(moderator.id)), "Only the group's creator and admins who can restrict members can change its subscriptions.");
  };

  const where = (ctx: Context) => (threadOf(ctx) !== undefined ? "in this topic" : "here");

  composer.command(
    "subscribe",
    changing(async (ctx, by) => {
      const chatId = chatKey(ctx.chat!.id);
      const query = String(ctx.match ?? "");
      const thread = threadOf(ctx);
      const before = store.list(PLATFORM, chatId).find((s) => queryKey(s.query) === queryKey(query));
      let added;
      try {
        added = store.add({ platform: PLATFORM, chatId, threadId: thread !== undefined ? String(thread) : null, query, createdBy: by });
      } catch (error) {
        if (isRegbotError(error, "BAD_INPUT")) return replyHtml(ctx, [escapeHtml(error.message)]);
        throw error;
      }
      const posted = willBePosted(added.subscription.query, where(ctx));
      if (added.created) return replyHtml(ctx, [`${posted}\n/subscriptions lists this chat's subscriptions; /unsubscribe stops one.`]);
      if (before?.pausedReason) return replyHtml(ctx, [`Subscription resumed. ${posted}`]);
      await replyHtml(ctx, [`Already subscribed. ${posted}`]);
    }),
  );

  composer.command("subscriptions", async (ctx) => {
    if (ctx.msg?.is_automatic_forward) return;
    const subs = store.list(PLATFORM, chatKey(ctx.chat.id));
    if (subs.length === 0) {
      return replyHtml(ctx, ["This chat has no subscriptions. <code>/subscribe</code> posts all new regulation articles here; <code>/subscribe EU stablecoins</code> only some."]);
    }
    const thread = threadOf(ctx);
    const lines = subs.map((s, i) => subscriptionLine(s, i + 1, thread !== undefined ? String(thread) : null));
    const paused = subs.some((s) => s.pausedReason) ? " A paused one resumes when you /subscribe to it again." : "";
    await replyHtml(ctx, [fit(`Subscriptions of this chat:\n${lines.join("\n")}\n\nStop one with <code>/unsubscribe ${subs.length}</code> (its number or its text).${paused}`)]);
  });

  composer.command(
    "unsubscribe",
    changing(async (ctx) => {
      const which = String(ctx.match ?? "").trim();
      if (!which) return replyHtml(ctx, ["Which one? <code>/unsubscribe 1</code> or <code>/unsubscribe eu stablecoins</code> — /subscriptions lists them."]);
      const removed = store.remove(PLATFORM, chatKey(ctx.chat!.id), which);
      if (!removed) return replyHtml(ctx, [`This chat has no subscription “${escapeHtml(which.slice(0, 100))}”. /subscriptions lists them.`]);
      const filter = filterHtml(removed.query);
      await replyHtml(ctx, [`Unsubscribed: ${filter ? `new regulation articles ${filter}` : "all new regulation articles"} will no longer be posted here.`]);
    }),
  );

  return composer;
}

// ------------------------------------------------------------------------------------------------ sending alerts

/** The linked (or bold) title of an article. */
function headingHtml(article: Article): string {
  const link = article.url && article.url.length <= URL_MAX ? href(article.url) : null;
  const title = titleHtml(article.title);
  return link ? `<a href="${link}">${title}</a>` : `<b>${title}</b>`;
}

/** Source, date and jurisdictions, escaped. */
function metaHtml(article: Article): string {
  return [facts(article), escapeHtml(article.jurisdictions.join(", "))].filter(Boolean).join(" · ");
}


/** Which of the chat's subscriptions asked for this (none shown when it takes all regulation news). */
function matchedHtml(queries: readonly string[]): string {
  const named = queries.filter(Boolean);
  return named.length ? `<i>Subscription: ${escapeHtml(named.join(", "))}</i>` : "";
}

/**
 * Renders an alert as one Telegram HTML message within {@link TELEGRAM_MESSAGE_LIMIT}: one article with its
 * excerpt, or a digest ("N new regulation articles") listing them. Every piece of article text is escaped; a
 * digest too long for one message lists fewer articles and counts the rest, never cutting a tag or an entity.
 */
export function renderAlertHtml(message: AlertMessage, limit = TELEGRAM_MESSAGE_LIMIT): string {
  const [first] = message.articles;
  if (!first) return "";
  if (message.articles.length === 1 && message.more === 0) {
    const meta = metaHtml(first);
    const build = (leadMax: number) =>
      [
        `🔔 <b>New regulation article</b>\n${headingHtml(first)}`,
        meta ? `<i>${meta}</i>` : "",
        leadMax > 0 ? escapeHtml(alertLead(first, leadMax)) : "",
        [`/article_${first.id}`, matchedHtml(message.queries)].filter(Boolean).join(" · "),
      ]
        .filter(Boolean)
        .join("\n");
    const full = build(LEAD_MAX);
    return full.length <= limit ? full : fit(build(0), limit);
  }
  const total = message.articles.length + message.more;
  const lines = message.articles.map((a) => {
    const meta = metaHtml(a);
    return `• ${headingHtml(a)}${meta ? ` — <i>${meta}</i>` : ""} · /article_${a.id}`;
  });
  const matched = matchedHtml(message.queries);
  const build = (shown: number) => {
    const hidden = message.more + message.articles.length - shown;
    return [`🔔 <b>${total} new regulation articles</b>`, ...lines.slice(0, shown), hidden > 0 ? `and ${hidden} more — /latest` : "", matched].filter(Boolean).join("\n");
  };
  let shown = lines.length;
  let text = build(shown);
  while (text.length > limit && shown > 1) text = build(--shown);
  return fit(text, limit);
}

/** Telegram's answers that mean the bot may not post in the chat (any more): its subscriptions pause. */
const CANNOT_POST = /chat not found|chat_write_forbidden|not enough rights|have no rights|need administrator rights|topic_closed|topic_deleted|thread not found|bot is not a member|bot was kicked|bot was blocked|user is deactivated|group chat was deactivated|chat_restricted|peer_id_invalid/i;

/** What a failed send means for the chat's subscriptions. */
function outcomeOf(error: unknown): AlertOutcome {
  if (error instanceof GrammyError) {
    const said = `Telegram said “${error.description}”`;
    if (error.error_code === 403 || (error.error_code === 400 && CANNOT_POST.test(error.description))) return { status: "pause", reason: said };
    // Too many requests, Telegram's own trouble, or a refusal that does not say the chat is gone: try again next round.
    return { status: "retry", reason: said };
  }
  if (error instanceof HttpError) return { status: "retry", reason: `Telegram could not be reached: ${error.error instanceof Error ? error.error.message : error.message}` };
  return { status: "retry", reason: error instanceof Error ? error.message : String(error) };
}

/** Options of {@link createTelegramAlertSender}. */
export interface TelegramAlertSenderOptions {
  /** Moves a chat's state to its new id (`core.moveChat`), for a group upgraded to a supergroup (otherwise it pauses). */
  readonly moveChat?: (fromId: string, toId: string) => void;
}

/**
 * Sends alerts with the Bot API: Telegram HTML, link previews off, in the forum topic of the subscription. A chat
 * that is gone or forbids the bot to post pauses (403, "chat not found", "not enough rights", a closed topic…);
 * 429, 5xx and network failures are retried next round. A group that became a supergroup has its subscriptions
 * moved to the new id and is retried there next round (it is not sent at once: the dispatcher marks the alerts of
 * the old id as sent).
 */
export function createTelegramAlertSender(api: Api, options: TelegramAlertSenderOptions = {}): AlertSender {
  return async (message) => {
    const text = renderAlertHtml(message);
    try {
      await api.sendMessage(chatIdParam(message.chatId), text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(message.threadId ? { message_thread_id: Number(message.threadId) } : {}),
      });
      return { status: "sent" };
    } catch (error) {
      const movedTo = error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;
      if (movedTo !== undefined) {
        if (!options.moveChat) return { status: "pause", reason: `the group became a supergroup (id ${movedTo}): subscribe again there` };
        options.moveChat(message.chatId, String(movedTo));
        return { status: "retry", reason: `the group became a supergroup; its subscriptions moved to ${movedTo}` };
      }
      return outcomeOf(error);
    }
  };
}
