import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AlertMessage } from "../../src/alerts/dispatch.js";
import { createCore } from "../../src/core.js";
import { startNews } from "../../src/feeds/news.js";
import type { FeedPollResult } from "../../src/feeds/poll.js";
import { startFeedServer } from "../fakes/feed-server.js";
import { openTempStore } from "../fakes/temp-store.js";

const COINDESK = fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "feeds", "coindesk-2023-03-13.rss"));

describe("keeping the store current while the bots run", () => {
  it("polls the feeds that are due and sends each subscribed chat one digest of the new regulation articles, once", async () => {
    const now = () => new Date("2023-03-13T12:00:00Z");
    const core = createCore({ store: openTempStore(undefined, { now }), now });
    const server = await startFeedServer({ "/rss": { body: COINDESK, etag: '"1"' } });
    core.feeds.add(server.url("/rss"));
    core.subscriptions.add({ platform: "telegram", chatId: "-100", query: "EU", createdBy: "1" });
    core.subscriptions.add({ platform: "telegram", chatId: "-200", query: "bitcoin price", createdBy: "1" });

    const sent: AlertMessage[] = [];
    const polls: FeedPollResult[][] = [];
    let rounds = 0;
    let secondRound!: () => void;
    const done = new Promise<void>((resolve) => (secondRound = resolve));
    const news = startNews(core, {
      senders: { telegram: async (m) => (sent.push(m), { status: "sent" }) },
      tickMs: 10,
      onPoll: (r) => polls.push(r),
      onDispatch: () => ++rounds === 2 && secondRound(),
    });
    await done;
    await news.stop();

    expect(polls).toHaveLength(1);
    expect(polls[0]![0]).toMatchObject({ outcome: "new", added: 49 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chatId).toBe("-100");
    const titles = sent[0]!.articles.map((a) => a.title);
    expect(titles).toContain("EU Merchants Could Be Required to Accept Digital Euro, Ministers Told");
    expect(sent[0]!.articles.every((a) => a.relevant && a.jurisdictions.includes("European Union"))).toBe(true);
  });

  it("stops between rounds: no round runs after stop() resolves", async () => {
    const core = createCore({ store: openTempStore() });
    let rounds = 0;
    let threeRounds!: () => void;
    const started = new Promise<void>((resolve) => (threeRounds = resolve));
    // With a sender, every round dispatches (even with nothing queued), so rounds can be counted.
    const news = startNews(core, { senders: { telegram: async () => ({ status: "sent" }) }, tickMs: 5, onDispatch: () => ++rounds === 3 && threeRounds() });
    await started;
    await news.stop();
    const after = rounds;
    await new Promise((r) => setTimeout(r, 50));
    expect(rounds).toBe(after);
  });
});
