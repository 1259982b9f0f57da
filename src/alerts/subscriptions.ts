import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";
import { RegbotError } from "../errors.js";
import { MAX_SUBSCRIPTION_LENGTH } from "./match.js";

/** A chat's subscription to new regulation articles. */
export interface Subscription {
  readonly id: number;
  readonly platform: string;
  readonly chatId: string;
  /** Forum topic (Telegram) the alerts go to, if the subscription was made in one. */
  readonly threadId: string | null;
  /** What the chat asked for, as typed (single spaces); empty for all regulation news. Case matters ("US"). */
  readonly query: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** Why alerts stopped (the bot was removed or may not post), or `null` while active. */
  readonly pausedReason: string | null;
}

/** Alerts waiting for one chat, oldest first. */
export interface PendingAlerts {
  readonly platform: string;
  readonly chatId: string;
  readonly threadId: string | null;
  /** Each queued article once (several subscriptions of the chat may want it), with the subscriptions that did. */
  readonly articles: ReadonlyArray<{ readonly articleId: string; readonly queries: readonly string[] }>;
}

/** Most subscriptions one chat may have. */
export const MAX_SUBSCRIPTIONS_PER_CHAT = 20;

/** Subscriptions and the alert queue, in SQLite. */
export interface SubscriptionStore {
  /**
   * Subscribes a chat. Throws `BAD_INPUT` for an over-long query or a chat at its limit; subscribing again to the
   * same query returns the existing subscription (and resumes it if it was paused).
   */
  add(input: { platform: string; chatId: string; threadId?: string | null; query: string; createdBy: string }): { subscription: Subscription; created: boolean };
  list(platform: string, chatId: string): Subscription[];
  /** Removes a chat's subscription by its number or its query text; returns it, or `undefined` if there is none. */
  remove(platform: string, chatId: string, which: string): Subscription | undefined;
  /** Every active subscription (for matching new articles). */
  active(): Subscription[];
  /** Queues articles for subscriptions; an article is queued for a subscription once, ever. Returns how many were new. */
  queue(entries: ReadonlyArray<{ subscriptionId: number; articleId: string }>): number;
  /** What each chat with active subscriptions has waiting, oldest first. */
  pending(platform?: string): PendingAlerts[];
  /** Marks a chat's (or one of its topics') queued articles as sent. */
  markSent(platform: string, chatId: string, articleIds: readonly string[], threadId?: string | null): void;
  /** Pauses every subscription of a chat, with the reason, and drops what it had waiting. */
  pauseChat(platform: string, chatId: string, reason: string): number;
  /** Moves a chat's subscriptions to a new id (a Telegram group upgraded to a supergroup). */
  move(platform: string, fromId: string, toId: string): void;
}

interface Row {
  id: number;
  platform: string;
  chat_id: string;
  thread_id: string | null;
  query: string;
  created_by: string;
  created_at: string;
  paused_reason: string | null;
}

const toSubscription = (r: Row): Subscription => ({
  id: r.id,
  platform: r.platform,
  chatId: r.chat_id,
  threadId: r.thread_id,
  query: r.query,
  createdBy: r.created_by,
  createdAt: r.created_at,
  pausedReason: r.paused_reason,
});

/**
 * Collapses spacing. Case is kept, since it can matter ("US" is the United States, "us" is not); two queries that
 * differ only in case are still one subscription.
 */
export function normalizeQuery(query: string): string {
  return query.normalize("NFKC").replace(/\s+/g, " ").trim();
}

/** The key two queries are the same subscription by: spacing collapsed, case folded (any script: "ZÜRICH" = "Zürich"). */
export function queryKey(query: string): string {
  return normalizeQuery(query).toLowerCase();
}

/** Creates the subscription store over an open, migrated database. */
export function createSubscriptionStore(db: Db, options: { file: string; now?: () => Date }): SubscriptionStore {
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const guard = sqliteGuard(options.file);
  const countChat = db.prepare<[string, string], { n: number }>("SELECT count(*) AS n FROM subscriptions WHERE platform = ? AND chat_id = ?");
  const insert = db.prepare<[string, string, string | null, string, string, string]>(
    "INSERT INTO subscriptions (platform, chat_id, thread_id, query, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const resume = db.prepare<[string | null, number]>("UPDATE subscriptions SET paused_reason = NULL, thread_id = ? WHERE id = ?");
  const byId = db.prepare<[number], Row>("SELECT * FROM subscriptions WHERE id = ?");
  const listChat = db.prepare<[string, string], Row>("SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id");
  const deleteOne = db.prepare<[number]>("DELETE FROM subscriptions WHERE id = ?");
  const activeRows = db.prepare<[], Row>("SELECT * FROM subscriptions WHERE paused_reason IS NULL ORDER BY id");
  const queueOne = db.prepare<[number, string, string]>("INSERT OR IGNORE INTO alerts (subscription_id, article_id, queued_at) VALUES (?, ?, ?)");
  const pendingRows = db.prepare<{ platform: string | null }, { platform: string; chat_id: string; thread_id: string | null; article_id: string; query: string }>(
    `SELECT s.platform, s.chat_id, s.thread_id, a.article_id, s.query FROM alerts a JOIN subscriptions s ON s.id = a.subscription_id
     WHERE a.sent_at IS NULL AND s.paused_reason IS NULL AND (@platform IS NULL OR s.platform = @platform)
     ORDER BY a.queued_at, a.rowid`,
  );
  const markRow = db.prepare<[string, string, string, string, number, string]>(
    `UPDATE alerts SET sent_at = ? WHERE sent_at IS NULL AND article_id = ?
       AND subscription_id IN (SELECT id FROM subscriptions WHERE platform = ? AND chat_id = ? AND (? = 0 OR coalesce(thread_id, '') = ?))`,
  );
  const pauseRows = db.prepare<[string, string, string]>("UPDATE subscriptions SET paused_reason = ? WHERE platform = ? AND chat_id = ? AND paused_reason IS NULL");
  const dropPending = db.prepare<[string, string, string]>(
    "UPDATE alerts SET sent_at = ? WHERE sent_at IS NULL AND subscription_id IN (SELECT id FROM subscriptions WHERE platform = ? AND chat_id = ?)",
  );
  const moveOne = db.prepare<[string, number]>("UPDATE subscriptions SET chat_id = ? WHERE id = ?");

  return {
    add: ({ platform, chatId, threadId = null, query, createdBy }) =>
      guard(() => {
        const normalized = normalizeQuery(query);
        if (normalized.length > MAX_SUBSCRIPTION_LENGTH) {
          throw new RegbotError("BAD_INPUT", `That subscription is ${normalized.length} characters long; use at most ${MAX_SUBSCRIPTION_LENGTH}, e.g. “EU stablecoins”.`);
        }
        return db.transaction(() => {
          const existing = listChat.all(platform, chatId).find((r) => queryKey(r.query) === queryKey(normalized));
          if (existing) {
            resume.run(threadId, existing.id);
            return { subscription: toSubscription(byId.get(existing.id)!), created: false };
          }
          if (countChat.get(platform, chatId)!.n >= MAX_SUBSCRIPTIONS_PER_CHAT) {
            throw new RegbotError("BAD_INPUT", `This chat has ${MAX_SUBSCRIPTIONS_PER_CHAT} subscriptions already; remove one with /unsubscribe first.`);
          }
          const id = Number(insert.run(platform, chatId, threadId, normalized, createdBy, now()).lastInsertRowid);
          return { subscription: toSubscription(byId.get(id)!), created: true };
        }).immediate();
      }),
    list: (platform, chatId) => guard(() => listChat.all(platform, chatId).map(toSubscription)),
    remove: (platform, chatId, which) =>
      guard(() =>
        db.transaction(() => {
          const subs = listChat.all(platform, chatId);
          const text = normalizeQuery(which.replace(/^#/, ""));
          const number = /^\d+$/.test(text) ? Number(text) : undefined;
          // A number is the position /subscriptions shows; otherwise the query text itself.
          const same = (s: Row) => queryKey(s.query) === queryKey(text);
          const row = number !== undefined ? (subs[number - 1] ?? subs.find(same)) : subs.find(same);
          if (!row) return undefined;
          deleteOne.run(row.id);
          return toSubscription(row);
        }).immediate(),
      ),
    active: () => guard(() => activeRows.all().map(toSubscription)),
    queue: (entries) =>
      guard(() =>
        db.transaction(() => {
          const stamp = now();
          let added = 0;
          for (const e of entries) added += queueOne.run(e.subscriptionId, e.articleId, stamp).changes;
          return added;
        }).immediate(),
      ),
    pending: (platform) =>
      guard(() => {
        const chats = new Map<string, { platform: string; chatId: string; threadId: string | null; articles: Map<string, string[]> }>();
        for (const r of pendingRows.all({ platform: platform ?? null })) {
          // Subscriptions made in two forum topics of one chat get their own messages, each in its topic.
          const key = `${r.platform}\u0000${r.chat_id}\u0000${r.thread_id ?? ""}`;
          let chat = chats.get(key);
          if (!chat) chats.set(key, (chat = { platform: r.platform, chatId: r.chat_id, threadId: r.thread_id, articles: new Map() }));
          const queries = chat.articles.get(r.article_id) ?? [];
          if (!queries.includes(r.query)) queries.push(r.query);
          chat.articles.set(r.article_id, queries);
        }
        return [...chats.values()].map((c) => ({
          platform: c.platform,
          chatId: c.chatId,
          threadId: c.threadId,
          articles: [...c.articles].map(([articleId, queries]) => ({ articleId, queries })),
        }));
      }),
    markSent: (platform, chatId, articleIds, threadId) =>
      guard(() =>
        db.transaction(() => {
          const stamp = now();
          const byThread = threadId === undefined ? 0 : 1;
          for (const id of articleIds) markRow.run(stamp, id, platform, chatId, byThread, threadId ?? "");
        }).immediate(),
      ),
    pauseChat: (platform, chatId, reason) =>
      guard(() =>
        db.transaction(() => {
          const paused = pauseRows.run(reason, platform, chatId).changes;
          dropPending.run(now(), platform, chatId);
          return paused;
        }).immediate(),
      ),
    move: (platform, fromId, toId) =>
      guard(() =>
        db.transaction(() => {
          const there = new Set(listChat.all(platform, toId).map((r) => queryKey(r.query)));
          for (const row of listChat.all(platform, fromId)) {
            // A subscription the new chat already has is dropped, not doubled.
            if (there.has(queryKey(row.query))) deleteOne.run(row.id);
            else moveOne.run(toId, row.id);
          }
        }).immediate(),
      ),
  };
}
