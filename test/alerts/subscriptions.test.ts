import { describe, expect, it } from "vitest";
import { MAX_SUBSCRIPTION_LENGTH } from "../../src/alerts/match.js";
import { createSubscriptionStore, MAX_SUBSCRIPTIONS_PER_CHAT, type SubscriptionStore } from "../../src/alerts/subscriptions.js";
import { regbotErrorOf } from "../fakes/regbot-error.js";
import { openTempStore } from "../fakes/temp-store.js";

/** A subscription store over a fresh, migrated SQLite file. */
function openSubscriptions(file?: string): SubscriptionStore & { file: string; close: () => void } {
  const articles = openTempStore(file);
  const subscriptions = createSubscriptionStore(articles.db, { file: articles.file, now: () => new Date("2024-06-10T12:00:00Z") });
  return Object.assign(subscriptions, { file: articles.file, close: () => articles.db.close() });
}

const chat = { platform: "telegram", chatId: "-1001", createdBy: "alice" };

describe("add", () => {
  it("subscribes a chat and lists the subscription", () => {
    const subs = openSubscriptions();
    const { subscription, created } = subs.add({ ...chat, query: "EU stablecoins" });
    expect(created).toBe(true);
    expect(subscription).toMatchObject({ platform: "telegram", chatId: "-1001", threadId: null, createdBy: "alice", pausedReason: null });
    expect(subs.list("telegram", "-1001")).toEqual([subscription]);
  });

  it("keeps the forum topic the subscription was made in", () => {
    const subs = openSubscriptions();
    expect(subs.add({ ...chat, threadId: "42", query: "Hong Kong" }).subscription.threadId).toBe("42");
  });

  it("stores the query as typed: spacing collapsed, case kept", () => {
    const subs = openSubscriptions();
    expect(subs.add({ ...chat, query: "  EU \t stablecoins  " }).subscription.query).toBe("EU stablecoins");
    expect(subs.list("telegram", "-1001").map((s) => s.query)).toEqual(["EU stablecoins"]);
  });

  it("keeps \"US stablecoins\" with its case, since \"US\" is the United States and \"us\" is not", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "US stablecoins" });
    expect(subscription.query).toBe("US stablecoins");
    expect(subs.list("telegram", "-1001").map((s) => s.query)).toEqual(["US stablecoins"]);
    expect(subs.active().map((s) => s.query)).toEqual(["US stablecoins"]);
  });

  it("treats the same query with other spacing and case as one subscription, keeping the first spelling", () => {
    const subs = openSubscriptions();
    const first = subs.add({ ...chat, query: "EU stablecoins" });
    const again = subs.add({ ...chat, query: "  eu   STABLECOINS " });
    expect(again.created).toBe(false);
    expect(again.subscription.id).toBe(first.subscription.id);
    expect(again.subscription.query).toBe("EU stablecoins");
    expect(subs.list("telegram", "-1001").map((s) => s.query)).toEqual(["EU stablecoins"]);
  });

  it("keeps other chats' and other platforms' subscriptions apart", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "Hong Kong" });
    expect(subs.add({ ...chat, chatId: "-1002", query: "Hong Kong" }).created).toBe(true);
    expect(subs.add({ ...chat, platform: "discord", query: "Hong Kong" }).created).toBe(true);
    expect(subs.list("telegram", "-1001")).toHaveLength(1);
    expect(subs.active()).toHaveLength(3);
  });

  it(`refuses a chat's subscription beyond ${MAX_SUBSCRIPTIONS_PER_CHAT} with a BAD_INPUT error that says how to make room`, () => {
    const subs = openSubscriptions();
    for (let i = 1; i <= MAX_SUBSCRIPTIONS_PER_CHAT; i++) subs.add({ ...chat, query: `topic ${i}` });
    const error = regbotErrorOf(() => subs.add({ ...chat, query: "one too many" }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain("/unsubscribe");
    expect(subs.list("telegram", "-1001")).toHaveLength(MAX_SUBSCRIPTIONS_PER_CHAT);
  });

  it("still accepts an existing query from a chat at its limit", () => {
    const subs = openSubscriptions();
    for (let i = 1; i <= MAX_SUBSCRIPTIONS_PER_CHAT; i++) subs.add({ ...chat, query: `topic ${i}` });
    const again = subs.add({ ...chat, query: "Topic 1" });
    expect(again.created).toBe(false);
    expect(again.subscription.query).toBe("topic 1");
  });

  it(`refuses a query longer than ${MAX_SUBSCRIPTION_LENGTH} characters with a BAD_INPUT error`, () => {
    const subs = openSubscriptions();
    const error = regbotErrorOf(() => subs.add({ ...chat, query: "stablecoin ".repeat(20) }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain(String(MAX_SUBSCRIPTION_LENGTH));
    expect(subs.list("telegram", "-1001")).toEqual([]);
  });

  it(`accepts a query of exactly ${MAX_SUBSCRIPTION_LENGTH} characters`, () => {
    const subs = openSubscriptions();
    expect(subs.add({ ...chat, query: "x".repeat(MAX_SUBSCRIPTION_LENGTH) }).created).toBe(true);
  });
});

describe("remove", () => {
  it("removes a subscription by its number in the chat's list", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "EU stablecoins" });
    subs.add({ ...chat, query: "Hong Kong" });
    expect(subs.remove("telegram", "-1001", "2")?.query).toBe("Hong Kong");
    expect(subs.list("telegram", "-1001").map((s) => s.query)).toEqual(["EU stablecoins"]);
  });

  it("accepts the number written with a #", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "EU stablecoins" });
    expect(subs.remove("telegram", "-1001", "#1")?.query).toBe("EU stablecoins");
  });

  it("removes a subscription by its text, whatever its spacing and case", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "EU stablecoins" });
    subs.add({ ...chat, query: "Hong Kong" });
    expect(subs.remove("telegram", "-1001", " eu  Stablecoins")?.query).toBe("EU stablecoins");
    expect(subs.list("telegram", "-1001").map((s) => s.query)).toEqual(["Hong Kong"]);
  });

  it("returns undefined and removes nothing when there is no such subscription", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "EU stablecoins" });
    expect(subs.remove("telegram", "-1001", "3")).toBeUndefined();
    expect(subs.remove("telegram", "-1001", "Japan")).toBeUndefined();
    expect(subs.remove("telegram", "-1002", "1")).toBeUndefined();
    expect(subs.list("telegram", "-1001")).toHaveLength(1);
  });

  it("drops what the removed subscription had waiting", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "EU stablecoins" });
    subs.queue([{ subscriptionId: subscription.id, articleId: "a1" }]);
    subs.remove("telegram", "-1001", "1");
    expect(subs.pending()).toEqual([]);
    const again = subs.add({ ...chat, query: "EU stablecoins" }).subscription;
    expect(subs.queue([{ subscriptionId: again.id, articleId: "a1" }])).toBe(1);
  });
});

describe("queue", () => {
  it("queues an article for a subscription once, and says how many were new", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "" });
    expect(subs.queue([{ subscriptionId: subscription.id, articleId: "a1" }, { subscriptionId: subscription.id, articleId: "a2" }])).toBe(2);
    expect(subs.queue([{ subscriptionId: subscription.id, articleId: "a1" }])).toBe(0);
    expect(subs.pending()[0]?.articles.map((a) => a.articleId)).toEqual(["a1", "a2"]);
  });

  it("never queues an article again once it was sent", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "" });
    subs.queue([{ subscriptionId: subscription.id, articleId: "a1" }]);
    subs.markSent("telegram", "-1001", ["a1"]);
    expect(subs.queue([{ subscriptionId: subscription.id, articleId: "a1" }])).toBe(0);
    expect(subs.pending()).toEqual([]);
  });
});

describe("pending", () => {
  it("groups alerts by chat, lists each article once with the queries that wanted it, oldest first", () => {
    const subs = openSubscriptions();
    const eu = subs.add({ ...chat, query: "EU stablecoins" }).subscription;
    const all = subs.add({ ...chat, query: "" }).subscription;
    const other = subs.add({ ...chat, chatId: "-1002", threadId: "7", query: "Hong Kong" }).subscription;
    subs.queue([
      { subscriptionId: eu.id, articleId: "mica" },
      { subscriptionId: all.id, articleId: "mica" },
      { subscriptionId: all.id, articleId: "hk" },
      { subscriptionId: other.id, articleId: "hk" },
    ]);
    expect(subs.pending()).toEqual([
      {
        platform: "telegram",
        chatId: "-1001",
        threadId: null,
        articles: [
          { articleId: "mica", queries: ["EU stablecoins", ""] },
          { articleId: "hk", queries: [""] },
        ],
      },
      { platform: "telegram", chatId: "-1002", threadId: "7", articles: [{ articleId: "hk", queries: ["Hong Kong"] }] },
    ]);
  });

  it("gives each forum topic of one chat its own entry, with only what its subscriptions wanted", () => {
    const subs = openSubscriptions();
    const topicA = subs.add({ ...chat, threadId: "11", query: "EU stablecoins" }).subscription;
    const topicB = subs.add({ ...chat, threadId: "22", query: "Hong Kong" }).subscription;
    const general = subs.add({ ...chat, query: "" }).subscription;
    subs.queue([
      { subscriptionId: topicA.id, articleId: "mica" },
      { subscriptionId: topicB.id, articleId: "hk" },
      { subscriptionId: general.id, articleId: "mica" },
    ]);
    expect(subs.pending()).toEqual([
      { platform: "telegram", chatId: "-1001", threadId: "11", articles: [{ articleId: "mica", queries: ["EU stablecoins"] }] },
      { platform: "telegram", chatId: "-1001", threadId: "22", articles: [{ articleId: "hk", queries: ["Hong Kong"] }] },
      { platform: "telegram", chatId: "-1001", threadId: null, articles: [{ articleId: "mica", queries: [""] }] },
    ]);
  });

  it("lists only one platform's chats when asked", () => {
    const subs = openSubscriptions();
    const tg = subs.add({ ...chat, query: "" }).subscription;
    const dc = subs.add({ ...chat, platform: "discord", chatId: "555", query: "" }).subscription;
    subs.queue([{ subscriptionId: tg.id, articleId: "a1" }, { subscriptionId: dc.id, articleId: "a1" }]);
    expect(subs.pending("discord").map((p) => p.chatId)).toEqual(["555"]);
    expect(subs.pending()).toHaveLength(2);
  });
});

describe("markSent", () => {
  it("empties what the chat had waiting, for every subscription that queued the article", () => {
    const subs = openSubscriptions();
    const eu = subs.add({ ...chat, query: "EU stablecoins" }).subscription;
    const all = subs.add({ ...chat, query: "" }).subscription;
    subs.queue([{ subscriptionId: eu.id, articleId: "mica" }, { subscriptionId: all.id, articleId: "mica" }, { subscriptionId: all.id, articleId: "hk" }]);
    subs.markSent("telegram", "-1001", ["mica", "hk"]);
    expect(subs.pending()).toEqual([]);
  });

  it("leaves other articles and other chats waiting", () => {
    const subs = openSubscriptions();
    const mine = subs.add({ ...chat, query: "" }).subscription;
    const theirs = subs.add({ ...chat, chatId: "-1002", query: "" }).subscription;
    subs.queue([{ subscriptionId: mine.id, articleId: "a1" }, { subscriptionId: mine.id, articleId: "a2" }, { subscriptionId: theirs.id, articleId: "a1" }]);
    subs.markSent("telegram", "-1001", ["a1"]);
    expect(subs.pending().map((p) => [p.chatId, p.articles.map((a) => a.articleId)])).toEqual([
      ["-1001", ["a2"]],
      ["-1002", ["a1"]],
    ]);
  });

  it("marks only the named forum topic's articles when given a thread (null: the chat outside any topic)", () => {
    const subs = openSubscriptions();
    const topicA = subs.add({ ...chat, threadId: "11", query: "" }).subscription;
    const topicB = subs.add({ ...chat, threadId: "22", query: "EU stablecoins" }).subscription;
    const general = subs.add({ ...chat, query: "Hong Kong" }).subscription;
    subs.queue([
      { subscriptionId: topicA.id, articleId: "a1" },
      { subscriptionId: topicB.id, articleId: "a1" },
      { subscriptionId: general.id, articleId: "a1" },
    ]);
    subs.markSent("telegram", "-1001", ["a1"], "11");
    expect(subs.pending().map((p) => p.threadId)).toEqual(["22", null]);
    subs.markSent("telegram", "-1001", ["a1"], null);
    expect(subs.pending().map((p) => p.threadId)).toEqual(["22"]);
    subs.markSent("telegram", "-1001", ["a1"]);
    expect(subs.pending()).toEqual([]);
  });
});

describe("pauseChat", () => {
  it("pauses every subscription of the chat with the reason and drops what it had waiting", () => {
    const subs = openSubscriptions();
    const a = subs.add({ ...chat, query: "EU stablecoins" }).subscription;
    subs.add({ ...chat, query: "Hong Kong" });
    subs.queue([{ subscriptionId: a.id, articleId: "mica" }]);
    expect(subs.pauseChat("telegram", "-1001", "bot was kicked")).toBe(2);
    expect(subs.list("telegram", "-1001").map((s) => s.pausedReason)).toEqual(["bot was kicked", "bot was kicked"]);
    expect(subs.active()).toEqual([]);
    expect(subs.pending()).toEqual([]);
  });

  it("leaves other chats alone", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, query: "" });
    const other = subs.add({ ...chat, chatId: "-1002", query: "" }).subscription;
    subs.pauseChat("telegram", "-1001", "forbidden");
    expect(subs.active().map((s) => s.id)).toEqual([other.id]);
  });

  it("is resumed by subscribing to the same query again, which also takes the new forum topic", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "EU stablecoins" });
    subs.queue([{ subscriptionId: subscription.id, articleId: "mica" }]);
    subs.pauseChat("telegram", "-1001", "forbidden");
    const again = subs.add({ ...chat, threadId: "9", query: "eu stablecoins" });
    expect(again.created).toBe(false);
    expect(again.subscription).toMatchObject({ id: subscription.id, pausedReason: null, threadId: "9" });
    expect(subs.active().map((s) => s.id)).toEqual([subscription.id]);
    // What was dropped while paused stays dropped.
    expect(subs.pending()).toEqual([]);
  });
});

describe("move", () => {
  it("moves a chat's subscriptions and waiting alerts to its new id", () => {
    const subs = openSubscriptions();
    const { subscription } = subs.add({ ...chat, query: "EU stablecoins" });
    subs.add({ ...chat, query: "Hong Kong" });
    subs.queue([{ subscriptionId: subscription.id, articleId: "mica" }]);
    subs.move("telegram", "-1001", "-100999");
    expect(subs.list("telegram", "-1001")).toEqual([]);
    expect(subs.list("telegram", "-100999").map((s) => s.query)).toEqual(["EU stablecoins", "Hong Kong"]);
    expect(subs.pending().map((p) => p.chatId)).toEqual(["-100999"]);
  });

  it("deletes what could not move: the new chat already had the same query, and keeps its own", () => {
    const subs = openSubscriptions();
    const old = subs.add({ ...chat, query: "EU stablecoins" }).subscription;
    const moved = subs.add({ ...chat, query: "Hong Kong" }).subscription;
    const kept = subs.add({ ...chat, chatId: "-100999", query: "EU stablecoins" }).subscription;
    subs.queue([{ subscriptionId: old.id, articleId: "mica" }]);
    subs.move("telegram", "-1001", "-100999");
    expect(subs.list("telegram", "-1001")).toEqual([]);
    expect(subs.list("telegram", "-100999").map((s) => [s.id, s.query])).toEqual([
      [moved.id, "Hong Kong"],
      [kept.id, "EU stablecoins"],
    ]);
    // What the deleted subscription had waiting went with it.
    expect(subs.pending()).toEqual([]);
  });

  it("moves only the named platform's chat", () => {
    const subs = openSubscriptions();
    subs.add({ ...chat, platform: "discord", query: "" });
    subs.move("telegram", "-1001", "-100999");
    expect(subs.list("discord", "-1001")).toHaveLength(1);
  });
});

describe("persistence", () => {
  it("keeps subscriptions and the queue across closing and reopening the database file", () => {
    const first = openSubscriptions();
    const { subscription } = first.add({ ...chat, threadId: "3", query: "EU stablecoins" });
    first.queue([{ subscriptionId: subscription.id, articleId: "mica" }]);
    first.close();

    const reopened = openSubscriptions(first.file);
    expect(reopened.list("telegram", "-1001")).toEqual([subscription]);
    expect(reopened.pending()).toEqual([{ platform: "telegram", chatId: "-1001", threadId: "3", articles: [{ articleId: "mica", queries: ["EU stablecoins"] }] }]);
    expect(reopened.queue([{ subscriptionId: subscription.id, articleId: "mica" }])).toBe(0);
  });
});
