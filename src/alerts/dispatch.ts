import type { Article } from "../articles/article.js";
import { silentLogger, type Logger } from "../logger.js";
import { cut } from "../search/snippets.js";
import { articleTermSet, matchesSubscription, parseSubscription } from "./match.js";
import type { SubscriptionStore } from "./subscriptions.js";

/** One message to one chat: a single new article, or a digest of several. */
export interface AlertMessage {
  readonly platform: string;
  readonly chatId: string;
  readonly threadId: string | null;
  /** The articles to show, newest first (at most {@link DIGEST_MAX}). */
  readonly articles: readonly Article[];
  /** How many more new articles there were beyond those shown. */
  readonly more: number;
  /** The chat's subscriptions that matched, as typed ("" is all regulation news). */
  readonly queries: readonly string[];
}

/**
 * What a platform's sender reports: sent; the chat is gone or forbids the bot to post (`pause`: its
 * subscriptions stop, with the reason); or a passing failure (`retry`: the alerts stay queued).
 */
export type AlertOutcome = { readonly status: "sent" } | { readonly status: "pause"; readonly reason: string } | { readonly status: "retry"; readonly reason: string };

/** Sends one alert message on a platform. */
export type AlertSender = (message: AlertMessage) => Promise<AlertOutcome>;

/** An alert's excerpt: the article's opening words, on one line, cut at a word (plain text: adapters escape it). */
export function alertLead(article: Article, max: number): string {
  return cut(article.body.replace(/\s+/g, " ").trim(), max);
}

/** Most articles one digest lists; the rest are counted. */
export const DIGEST_MAX = 10;

/** Articles older than this (by published date) are stored but not announced: a new feed's backlog is not news. */
export const ALERT_MAX_AGE_DAYS = 7;

/**
 * Queues new articles for the subscriptions that want them. An article is queued for a subscription once, ever,
 * so a re-poll or re-ingest never alerts twice. Returns how many alerts were queued.
 */
export function queueAlerts(subscriptions: SubscriptionStore, articles: readonly Article[], now: Date = new Date()): number {
  const oldest = new Date(now.getTime() - ALERT_MAX_AGE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const fresh = articles.filter((a) => a.relevant && (a.publishedAt === null || a.publishedAt >= oldest));
  if (fresh.length === 0) return 0;
  const subs = subscriptions.active().map((s) => ({ id: s.id, filter: parseSubscription(s.query) }));
  if (subs.length === 0) return 0;
  const entries: Array<{ subscriptionId: number; articleId: string }> = [];
  for (const article of fresh) {
    let terms: Set<string> | undefined;
    const termsOf = () => (terms ??= articleTermSet(article));
    for (const sub of subs) if (matchesSubscription(sub.filter, article, termsOf)) entries.push({ subscriptionId: sub.id, articleId: article.id });
  }
  return entries.length ? subscriptions.queue(entries) : 0;
}

/** What the dispatcher needs. */
export interface AlertDispatcherDeps {
  readonly subscriptions: SubscriptionStore;
  readonly getArticle: (id: string) => Article | undefined;
  /** One sender per platform that is running (`telegram`, `discord`); chats of other platforms wait. */
  readonly senders: Readonly<Record<string, AlertSender>>;
  readonly logger?: Logger;
}

/** What one dispatch round did. */
export interface DispatchReport {
  /** Messages sent (one per chat). */
  readonly messages: number;
  /** Articles those messages covered. */
  readonly articles: number;
  /** Chats whose subscriptions were paused. */
  readonly paused: number;
  /** Chats whose messages failed for now and stay queued. */
  readonly failed: number;
}

/**
 * Sends what is queued: one message per chat per round, so a burst of new articles becomes one digest and no
 * chat gets more than one alert a round (call it once a minute: well within Telegram's 20 messages a minute
 * per group and Discord's rate limits). Queued articles are marked sent only after the platform accepted the
 * message. A chat that removed the bot or forbids it to post has its subscriptions paused, not retried forever.
 */
export async function dispatchAlerts(deps: AlertDispatcherDeps): Promise<DispatchReport> {
  const logger = deps.logger ?? silentLogger;
  let messages = 0;
  let covered = 0;
  let paused = 0;
  let failed = 0;
  const pausedNow = new Set<string>();
  for (const chat of deps.subscriptions.pending()) {
    const send = deps.senders[chat.platform];
    // A chat paused earlier in this round (from another of its topics) is not tried again.
    if (!send || pausedNow.has(`${chat.platform}\u0000${chat.chatId}`)) continue;
    const ids = chat.articles.map((a) => a.articleId);
    const articles = ids
      .map((id) => deps.getArticle(id))
      .filter((a): a is Article => a !== undefined)
      .sort((a, b) => (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") || b.ingestedAt.localeCompare(a.ingestedAt));
    if (articles.length === 0) {
      // Retracted since they were queued: nothing to announce.
      deps.subscriptions.markSent(chat.platform, chat.chatId, ids, chat.threadId);
      continue;
    }
    const queries = [...new Set(chat.articles.flatMap((a) => a.queries))];
    const message: AlertMessage = { platform: chat.platform, chatId: chat.chatId, threadId: chat.threadId, articles: articles.slice(0, DIGEST_MAX), more: Math.max(0, articles.length - DIGEST_MAX), queries };
    let outcome: AlertOutcome;
    try {
      outcome = await send(message);
    } catch (error) {
      outcome = { status: "retry", reason: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.status === "sent") {
      deps.subscriptions.markSent(chat.platform, chat.chatId, ids, chat.threadId);
      messages++;
      covered += articles.length;
    } else if (outcome.status === "pause") {
      deps.subscriptions.pauseChat(chat.platform, chat.chatId, outcome.reason);
      pausedNow.add(`${chat.platform}\u0000${chat.chatId}`);
      logger.warn({ platform: chat.platform, chat: chat.chatId, reason: outcome.reason }, "alerts paused for a chat");
      paused++;
    } else {
      logger.warn({ platform: chat.platform, chat: chat.chatId, reason: outcome.reason }, "an alert could not be sent; it stays queued");
      failed++;
    }
  }
  return { messages, articles: covered, paused, failed };
}
