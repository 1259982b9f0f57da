import { describe, expect, it } from "vitest";
import type { Article, ArticleDraft } from "../../src/articles/article.js";
import { toRecord } from "../../src/articles/ingest.js";
import { alertLead, ALERT_MAX_AGE_DAYS, DIGEST_MAX, dispatchAlerts, queueAlerts, type AlertMessage, type AlertOutcome, type AlertSender } from "../../src/alerts/dispatch.js";
import { createSubscriptionStore, type SubscriptionStore } from "../../src/alerts/subscriptions.js";
import type { ArticleStore } from "../../src/articles/store.js";
import { openTempStore } from "../fakes/temp-store.js";
import { fullArticle } from "../fakes/answers.js";

const NOW = new Date("2024-06-10T12:00:00Z");

/** `days` days before {@link NOW}, as a published date. */
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10);

/** Real article and subscription stores over one temp SQLite file. */
function setup(): { articles: ArticleStore; subscriptions: SubscriptionStore; store: (n: number, fields?: Partial<ArticleDraft>) => Article } {
  const articles = openTempStore();
  const subscriptions = createSubscriptionStore(articles.db, { file: articles.file });
  const store = (n: number, fields: Partial<ArticleDraft> = {}) => {
    const record = toRecord({
      title: `EU regulators publish stablecoin rules, part ${n}`,
      body: `Part ${n} of the rules sets out how stablecoin issuers in the European Union must hold reserves and report to their supervisor.`,
      url: `https://news.example/eu-rules-${n}`,
      publishedAt: daysAgo(1),
      jurisdictions: ["European Union"],
      ...fields,
    });
    articles.upsertMany([record], { origin: "user" });
    return articles.get(record.id)!;
  };
  return { articles, subscriptions, store };
}

/** A sender that records every message it is given and answers with `outcome` (sent, unless told otherwise). */
function recordingSender(outcome: (message: AlertMessage) => AlertOutcome = () => ({ status: "sent" })): { sent: AlertMessage[]; send: AlertSender } {
  const sent: AlertMessage[] = [];
  return {
    sent,
    send: async (message) => {
      sent.push(message);
      return outcome(message);
    },
  };
}

const telegramChat = { platform: "telegram", chatId: "-1001", createdBy: "alice" };

describe("dispatchAlerts", () => {
  it("sends one queued article as one message to the chat that wanted it", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, threadId: "5", query: "EU stablecoins" });
    const article = store(1);
    queueAlerts(subscriptions, [article], NOW);
    const telegram = recordingSender();

    const report = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent).toEqual([{ platform: "telegram", chatId: "-1001", threadId: "5", articles: [article], more: 0, queries: ["EU stablecoins"] }]);
    expect(report).toEqual({ messages: 1, articles: 1, paused: 0, failed: 0 });
  });

  it("sends five queued articles as one digest, newest first", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const stored = [3, 1, 5, 2, 4].map((days) => store(days, { publishedAt: daysAgo(days) }));
    queueAlerts(subscriptions, stored, NOW);
    const telegram = recordingSender();

    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent).toHaveLength(1);
    expect(telegram.sent[0]?.articles.map((a) => a.publishedAt)).toEqual([daysAgo(1), daysAgo(2), daysAgo(3), daysAgo(4), daysAgo(5)]);
    expect(telegram.sent[0]?.more).toBe(0);
  });

  it(`shows the newest ${DIGEST_MAX} of a larger burst, counts the rest, and marks them all sent`, async () => {
    const { articles, subscriptions, store } = setup();
    const { subscription } = subscriptions.add({ ...telegramChat, query: "" });
    const stored = Array.from({ length: DIGEST_MAX + 3 }, (_, i) => store(i, { publishedAt: `2024-05-${String(10 + i).padStart(2, "0")}` }));
    subscriptions.queue(stored.map((a) => ({ subscriptionId: subscription.id, articleId: a.id })));
    const telegram = recordingSender();

    const report = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    const newestFirst = [...stored].reverse();
    expect(telegram.sent[0]?.articles.map((a) => a.id)).toEqual(newestFirst.slice(0, DIGEST_MAX).map((a) => a.id));
    expect(telegram.sent[0]?.more).toBe(3);
    expect(report).toEqual({ messages: 1, articles: DIGEST_MAX + 3, paused: 0, failed: 0 });
    expect(subscriptions.pending()).toEqual([]);
  });

  it("sends each alert exactly once: a second round sends nothing", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    queueAlerts(subscriptions, [store(1), store(2)], NOW);
    const telegram = recordingSender();
    const deps = { subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } };

    await dispatchAlerts(deps);
    const second = await dispatchAlerts(deps);

    expect(telegram.sent).toHaveLength(1);
    expect(second).toEqual({ messages: 0, articles: 0, paused: 0, failed: 0 });
  });

  it("sends one message per chat, each with only its own articles", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "EU" });
    subscriptions.add({ ...telegramChat, chatId: "-1002", query: "Hong Kong" });
    const eu = store(1);
    const hk = store(2, { title: "Hong Kong licenses its first stablecoin issuers", jurisdictions: ["Hong Kong"] });
    queueAlerts(subscriptions, [eu, hk], NOW);
    const telegram = recordingSender();

    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent.map((m) => [m.chatId, m.articles.map((a) => a.id)])).toEqual([
      ["-1001", [eu.id]],
      ["-1002", [hk.id]],
    ]);
  });

  it("sends one message per forum topic of a chat, each in its topic, and a failure in one keeps only its alerts queued", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, threadId: "11", query: "EU" });
    subscriptions.add({ ...telegramChat, threadId: "22", query: "Hong Kong" });
    const eu = store(1);
    const hk = store(2, { title: "Hong Kong licenses its first stablecoin issuers", jurisdictions: ["Hong Kong"] });
    queueAlerts(subscriptions, [eu, hk], NOW);
    const flakyInTopic22 = recordingSender((m) => (m.threadId === "22" ? { status: "retry", reason: "429 Too Many Requests" } : { status: "sent" }));

    const report = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: flakyInTopic22.send } });

    expect(flakyInTopic22.sent.map((m) => [m.chatId, m.threadId, m.articles.map((a) => a.id), m.queries])).toEqual([
      ["-1001", "11", [eu.id], ["EU"]],
      ["-1001", "22", [hk.id], ["Hong Kong"]],
    ]);
    expect(report).toEqual({ messages: 1, articles: 1, paused: 0, failed: 1 });
    expect(subscriptions.pending()).toEqual([{ platform: "telegram", chatId: "-1001", threadId: "22", articles: [{ articleId: hk.id, queries: ["Hong Kong"] }] }]);
  });

  it("keeps the alerts queued when the sender asks to retry, and sends them next round", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const article = store(1);
    queueAlerts(subscriptions, [article], NOW);
    const flaky = recordingSender(() => ({ status: "retry", reason: "429 Too Many Requests" }));
    const healthy = recordingSender();

    const failed = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: flaky.send } });
    const retried = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: healthy.send } });

    expect(failed).toEqual({ messages: 0, articles: 0, paused: 0, failed: 1 });
    expect(retried).toEqual({ messages: 1, articles: 1, paused: 0, failed: 0 });
    expect(healthy.sent[0]?.articles).toEqual([article]);
  });

  it("keeps the alerts queued when the sender throws, and sends them next round", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const article = store(1);
    queueAlerts(subscriptions, [article], NOW);
    const throwing: AlertSender = async () => {
      throw new Error("socket hang up");
    };
    const healthy = recordingSender();

    const failed = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: throwing } });
    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: healthy.send } });

    expect(failed.failed).toBe(1);
    expect(healthy.sent.map((m) => m.articles)).toEqual([[article]]);
  });

  it("pauses the chat's subscriptions when the sender says so, and sends nothing later", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    subscriptions.add({ ...telegramChat, query: "EU" });
    queueAlerts(subscriptions, [store(1)], NOW);
    const kicked = recordingSender(() => ({ status: "pause", reason: "bot was kicked from the group" }));

    const report = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: kicked.send } });
    queueAlerts(subscriptions, [store(2)], NOW);
    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: kicked.send } });

    expect(report).toEqual({ messages: 0, articles: 0, paused: 1, failed: 0 });
    expect(subscriptions.list("telegram", "-1001").map((s) => s.pausedReason)).toEqual(["bot was kicked from the group", "bot was kicked from the group"]);
    expect(kicked.sent).toHaveLength(1);
  });

  it("lets chats of a platform without a sender wait until one runs", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    subscriptions.add({ platform: "discord", chatId: "777", createdBy: "bob", query: "" });
    const article = store(1);
    queueAlerts(subscriptions, [article], NOW);
    const telegram = recordingSender();
    const discord = recordingSender();

    const first = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });
    expect(first).toEqual({ messages: 1, articles: 1, paused: 0, failed: 0 });
    expect(subscriptions.pending().map((p) => p.platform)).toEqual(["discord"]);

    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send, discord: discord.send } });
    expect(discord.sent.map((m) => [m.chatId, m.articles])).toEqual([["777", [article]]]);
    expect(telegram.sent).toHaveLength(1);
  });

  it("leaves out an article retracted after it was queued", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const kept = store(1);
    const retracted = store(2);
    queueAlerts(subscriptions, [kept, retracted], NOW);
    articles.retract(retracted.id);
    const telegram = recordingSender();

    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent.map((m) => m.articles)).toEqual([[kept]]);
    expect(subscriptions.pending()).toEqual([]);
  });

  it("sends nothing when every queued article was retracted, and does not try again", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const article = store(1);
    queueAlerts(subscriptions, [article], NOW);
    articles.retract(article.id);
    const telegram = recordingSender();

    const report = await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent).toEqual([]);
    expect(report.messages).toBe(0);
    expect(subscriptions.pending()).toEqual([]);
  });
});

describe("queueAlerts", () => {
  it("queues a new article for every active subscription that wants it, and says how many", () => {
    const { subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    subscriptions.add({ ...telegramChat, query: "EU stablecoins" });
    subscriptions.add({ ...telegramChat, chatId: "-1002", query: "Hong Kong" });

    expect(queueAlerts(subscriptions, [store(1)], NOW)).toBe(2);
    expect(subscriptions.pending()).toEqual([
      { platform: "telegram", chatId: "-1001", threadId: null, articles: [{ articleId: expect.any(String), queries: ["", "EU stablecoins"] }] },
    ]);
  });

  it(`announces an article up to ${ALERT_MAX_AGE_DAYS} days old and ignores older ones`, () => {
    const { subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const weekOld = store(1, { publishedAt: daysAgo(ALERT_MAX_AGE_DAYS) });
    const older = store(2, { publishedAt: daysAgo(ALERT_MAX_AGE_DAYS + 1) });
    const backlog = store(3, { publishedAt: "2021-09-24" });

    expect(queueAlerts(subscriptions, [weekOld, older, backlog], NOW)).toBe(1);
    expect(subscriptions.pending()[0]?.articles.map((a) => a.articleId)).toEqual([weekOld.id]);
  });

  it("ignores articles that are not regulation news, even for a subscription to everything", () => {
    const { subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const market = store(1, {
      title: "Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears",
      body: "Bitcoin climbed back above $20,000 as short sellers were squeezed and traders shrugged off fears about the USDC stablecoin.",
      categories: ["Markets", "Trading"],
    });
    expect(market.relevant).toBe(false);

    expect(queueAlerts(subscriptions, [market], NOW)).toBe(0);
    expect(subscriptions.pending()).toEqual([]);
  });

  it("never queues the same article twice for a subscription, even after it was sent", async () => {
    const { articles, subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    const article = store(1);
    const telegram = recordingSender();

    expect(queueAlerts(subscriptions, [article], NOW)).toBe(1);
    expect(queueAlerts(subscriptions, [article], NOW)).toBe(0);
    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });
    expect(queueAlerts(subscriptions, [article], NOW)).toBe(0);
    await dispatchAlerts({ subscriptions, getArticle: articles.get, senders: { telegram: telegram.send } });

    expect(telegram.sent).toHaveLength(1);
  });

  it("queues nothing for paused subscriptions", () => {
    const { subscriptions, store } = setup();
    subscriptions.add({ ...telegramChat, query: "" });
    subscriptions.pauseChat("telegram", "-1001", "forbidden");
    expect(queueAlerts(subscriptions, [store(1)], NOW)).toBe(0);
  });
});

describe("alertLead", () => {
  it("gives an article's opening words on one line, cut at a word with an ellipsis", () => {
    const article = fullArticle({ body: "The SEC approved eleven spot bitcoin funds.\n\nTrading starts on Thursday in New York." });
    expect(alertLead(article, 200)).toBe("The SEC approved eleven spot bitcoin funds. Trading starts on Thursday in New York.");
    expect(alertLead(article, 30)).toBe("The SEC approved eleven spot…");
  });
});
