import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createArticleStore } from "../../src/articles/store.js";
import { createCore } from "../../src/core.js";
import { openDatabase } from "../../src/storage/database.js";
import { startFeedServer } from "../fakes/feed-server.js";
import { startRegbot } from "../fakes/regbot-process.js";
import { startFakeTelegram } from "../fakes/telegram-server.js";
import { tempDir } from "../fakes/temp-store.js";

const GROUP = -1009876543210;

/** An RSS feed with one regulation story published today (alerts skip a feed's old backlog). */
function todaysFeed(title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Policy Desk</title><link>https://desk.example</link>
  <item><title>${title}</title><link>https://desk.example/eu-stablecoin-rules?utm_source=rss</link><guid>desk-1</guid>
  <pubDate>${new Date().toUTCString()}</pubDate><category>Policy</category>
  <description>The European Union's MiCA rules now require stablecoin issuers to hold reserves and obtain a licence from a national regulator before offering tokens to the public.</description></item>
  </channel></rss>`;
}

describe("regbot start keeps the store current and alerts subscribed chats", () => {
  it("polls a feed at start and posts its new regulation story once to the subscribed Telegram group", async () => {
    const title = "EU &lt;3 stablecoin rules take effect";
    const feeds = await startFeedServer({ "/rss": { body: todaysFeed(title), etag: '"1"' } });
    const telegram = await startFakeTelegram();
    onTestFinished(() => telegram.close());

    // A user set up the feed and a moderator subscribed the group, earlier.
    const db = path.join(tempDir(), "regbot.db");
    const database = openDatabase(db);
    const core = createCore({ store: createArticleStore(database, { file: db }) });
    core.feeds.add(feeds.url("/rss"));
    core.subscriptions.add({ platform: "telegram", chatId: String(GROUP), query: "EU stablecoins", createdBy: "1001" });
    database.close();

    const regbot = startRegbot(["start"], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REGBOT_DB: db });
    await regbot.printed("Ctrl+C stops it");
    const calls = await telegram.waitFor("sendMessage", 1, 20_000);
    const alerts = calls.filter((c) => c.payload.chat_id === GROUP);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.payload.parse_mode).toBe("HTML");
    expect(alerts[0]!.payload.text).toContain("EU &lt;3 stablecoin rules take effect");
    expect(alerts[0]!.payload.text).toContain("https://desk.example/eu-stablecoin-rules");
    expect(alerts[0]!.payload.text).not.toContain("utm_source");

    regbot.child.kill("SIGTERM");
    expect(await regbot.exited).toBe(0);
    expect(feeds.hits("/rss")).toHaveLength(1);

    // Started again with the feed due and its validators gone: the first round fetches the same story in full and
    // dispatches at once. The story was queued once, ever, and sent: nothing more goes out.
    const reopened = openDatabase(db);
    reopened.prepare("UPDATE feeds SET next_poll_at = NULL, etag = NULL, last_modified = NULL").run();
    reopened.close();
    const again = startRegbot(["start"], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REGBOT_DB: db, LOG_LEVEL: "info" });
    await again.printed("feed polled");
    expect(feeds.hits("/rss")).toHaveLength(2);
    expect(feeds.hits("/rss")[1]!.headers["if-none-match"]).toBeUndefined();
    await again.printed("Ctrl+C stops it");
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
    expect(telegram.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === GROUP)).toHaveLength(1);
  }, 60_000);
});
