import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startDiscord } from "../../../adapters/discord/run.js";
import { createCore } from "../../../src/core.js";
import { silentLogger } from "../../../src/logger.js";
import { createMetrics } from "../../../src/metrics.js";
import { STABLECOIN_ARTICLES } from "../../fakes/articles.js";
import { payloads, startFakeDiscord } from "../../fakes/discord-server.js";
import { parsePrometheus, sampleValue } from "../../fakes/prometheus-text.js";
import { openTempStore, tempDir, writeFiles } from "../../fakes/temp-store.js";

const BOT_ID = "900000000000000002";

describe("metrics through the Discord client", () => {
  it("/ask and a mention each count one update and one answer; connected() follows the gateway", async () => {
    const dir = tempDir();
    const core = createCore({ store: openTempStore(path.join(dir, "regbot.db")) });
    expect(core.ingest([writeFiles(path.join(dir, "articles"), STABLECOIN_ARTICLES)]).rejected).toEqual([]);
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const metrics = createMetrics();
    const runner = await startDiscord(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot, metrics });
    onTestFinished(() => runner.stop());
    expect(runner.connected()).toBe(true);

    const ix = payloads.slashCommand("ask", [{ name: "question", type: 3, value: "stablecoin reserves" }]) as { id: string; token: string };
    fake.dispatch("INTERACTION_CREATE", ix);
    // The index is in memory (the ingest built it), so the answer is the interaction's first response.
    await fake.waitForRequest({ method: "POST", path: `/interactions/${ix.id}/${ix.token}/callback` });
    const mention = payloads.messageCreate(`<@${BOT_ID}> how long should I boil an egg?`, { mentionsBot: true }) as { channel_id: string };
    fake.dispatch("MESSAGE_CREATE", mention);
    await fake.waitForRequest({ method: "POST", path: `/channels/${mention.channel_id}/messages` });

    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, "regbot_updates_total", { platform: "discord" })).toBe(2);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "discord", outcome: "cited" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "discord", outcome: "none" })).toBe(1);

    await runner.stop();
    expect(runner.connected()).toBe(false);
  });
});
