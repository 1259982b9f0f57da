import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCore } from "../../src/core.js";
import { startNews } from "../../src/feeds/news.js";
import { createMetrics } from "../../src/metrics.js";
import { startFeedServer } from "../fakes/feed-server.js";
import { parsePrometheus, sampleValue } from "../fakes/prometheus-text.js";
import { openTempStore } from "../fakes/temp-store.js";

const COINDESK = fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "feeds", "coindesk-2023-03-13.rss"));

describe("startNews with metrics", () => {
  it("counts each feed poll by outcome, the failures, and the alerts each platform accepted", async () => {
    const now = () => new Date("2023-03-13T12:00:00Z");
    const core = createCore({ store: openTempStore(undefined, { now }), now });
    const server = await startFeedServer({ "/rss": { body: COINDESK }, "/broken": { body: "gone", status: 500 } });
    core.feeds.add(server.url("/rss"));
    core.feeds.add(server.url("/broken"));
    core.subscriptions.add({ platform: "telegram", chatId: "-100", query: "EU", createdBy: "1" });
    core.subscriptions.add({ platform: "discord", chatId: "1:2", query: "EU", createdBy: "1" });

    const metrics = createMetrics();
    let discordTries = 0;
    let dispatched!: () => void;
    const done = new Promise<void>((resolve) => (dispatched = resolve));
    const news = startNews(core, {
      senders: { telegram: async () => ({ status: "sent" }), discord: async () => (discordTries++, { status: "retry", reason: "Discord is down" }) },
      tickMs: 10,
      metrics,
      onDispatch: () => dispatched(),
    });
    await done;
    await news.stop();

    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, "regbot_feed_polls_total", { outcome: "new" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_polls_total", { outcome: "failed" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_failures_total", {})).toBe(1);
    expect(sampleValue(samples, "regbot_alerts_sent_total", { platform: "telegram" })).toBe(1);
    expect(discordTries).toBe(1);
    expect(sampleValue(samples, "regbot_alerts_sent_total", { platform: "discord" })).toBeUndefined();
  });
});
