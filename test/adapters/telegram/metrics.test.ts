import path from "node:path";
import type { User } from "grammy/types";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { POLL_SILENCE_MS, startTelegram, type TelegramRunner } from "../../../adapters/telegram/run.js";
import { createCore } from "../../../src/core.js";
import { databaseWritable, startHealthServer } from "../../../src/health.js";
import { silentLogger } from "../../../src/logger.js";
import { createMetrics, type Metrics } from "../../../src/metrics.js";
import { STABLECOIN_ARTICLES } from "../../fakes/articles.js";
import { parsePrometheus, sampleValue, type Sample } from "../../fakes/prometheus-text.js";
import { pushAndWait, replyTo, startFakeTelegram, updates, type FakeTelegram } from "../../fakes/telegram-server.js";
import { openTempStore, tempDir, writeFiles } from "../../fakes/temp-store.js";

const GROUP = -1001234567890;
const ALICE = { id: 1001, is_bot: false, first_name: "Alice", username: "alice" } satisfies User;
const BOB = { id: 222222, is_bot: false, first_name: "Bob", username: "bob_spams" } satisfies User;

interface Harness {
  readonly fake: FakeTelegram;
  readonly runner: TelegramRunner;
  readonly metrics: Metrics;
  readonly db: ReturnType<typeof openTempStore>["db"];
  /** Moves the bot's clock on. */
  advance(ms: number): void;
}

/**
 * The real bot over a temp store holding the stablecoin articles, polling a fresh fake Bot API server on which
 * Alice may restrict members, with metrics and a clock the test moves.
 */
async function startBot(): Promise<Harness> {
  const dir = tempDir();
  const store = openTempStore(path.join(dir, "regbot.db"));
  const core = createCore({ store });
  expect(core.ingest([writeFiles(path.join(dir, "articles"), STABLECOIN_ARTICLES)]).rejected).toEqual([]);
  const fake = await startFakeTelegram();
  onTestFinished(() => fake.close());
  fake.setChatMember(GROUP, ALICE.id, { status: "administrator", user: ALICE, can_restrict_members: true, can_delete_messages: true });
  let now = Date.now();
  const metrics = createMetrics();
  const runner = await startTelegram(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot, metrics, now: () => now });
  onTestFinished(() => runner.stop());
  return { fake, runner, metrics, db: store.db, advance: (ms) => (now += ms) };
}

async function samplesOf(metrics: Metrics): Promise<Sample[]> {
  return parsePrometheus(await metrics.registry.metrics());
}

describe("metrics through the Telegram bot", () => {
  it("a question counts one update and one cited answer, with its time", async () => {
    const { fake, metrics } = await startBot();
    const reply = await replyTo(fake, updates.privateText("stablecoin reserves"));
    expect(reply.text).toContain("[1]");

    const samples = await samplesOf(metrics);
    expect(sampleValue(samples, "regbot_updates_total", { platform: "telegram" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "cited" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "none" })).toBeUndefined();
    expect(sampleValue(samples, "regbot_answer_seconds_count", {})).toBe(1);
  });

  it("a question no article answers counts as outcome none; an inline query counts as an answer", async () => {
    const { fake, metrics } = await startBot();
    await replyTo(fake, updates.privateText("how long should I boil an egg?"));
    await pushAndWait(fake, updates.inlineQuery("stablecoin reserves"), "answerInlineQuery");

    const samples = await samplesOf(metrics);
    expect(sampleValue(samples, "regbot_updates_total", { platform: "telegram" })).toBe(2);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "none" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "cited" })).toBe(1);
  });

  it("a handler that fails counts one error", async () => {
    const { fake, metrics } = await startBot();
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const [apology] = await pushAndWait(fake, updates.privateText("stablecoin reserves"), "sendMessage", 2).then((calls) => calls.slice(1));
    expect(apology?.text).toMatch(/Something went wrong/);
    expect(sampleValue(await samplesOf(metrics), "regbot_errors_total", { platform: "telegram" })).toBe(1);
  });

  it("warnings count one by one, and the mute at the limit counts as an action", async () => {
    const { fake, metrics } = await startBot();
    for (let i = 0; i < 3; i++) {
      const spam = updates.groupText(`buy my coin #${i}`, { from: BOB });
      await replyTo(fake, updates.groupText("/warn spam", { from: ALICE, replyTo: spam }));
    }
    await fake.waitFor("restrictChatMember");
    const samples = await samplesOf(metrics);
    expect(sampleValue(samples, "regbot_warnings_total", { platform: "telegram" })).toBe(3);
    expect(sampleValue(samples, "regbot_moderation_actions_total", { platform: "telegram", action: "mute" })).toBe(1);
  });
});

describe("TelegramRunner.connected", () => {
  it("is true while Telegram answers getUpdates, false after 90 s without an answer, true again at the next one, false once stopped", async () => {
    const { runner, advance } = await startBot();
    expect(runner.connected()).toBe(true);
    advance(POLL_SILENCE_MS);
    expect(runner.connected()).toBe(false);
    // The fake answers a long poll within a second.
    await vi.waitFor(() => expect(runner.connected()).toBe(true), { timeout: 3_000 });
    await runner.stop();
    expect(runner.connected()).toBe(false);
  });
});

describe("the health server over the running bot", () => {
  it("reports healthy, serves the counts, and never shows the token", async () => {
    const { fake, runner, metrics, db } = await startBot();
    await replyTo(fake, updates.privateText("stablecoin reserves"));
    const server = await startHealthServer({
      port: 0,
      metrics,
      checks: { database: databaseWritable(db), telegram: () => (runner.connected() ? { ok: true, detail: "polling" } : { ok: false, detail: "not receiving updates" }) },
    });
    onTestFinished(() => server.close());
    const base = `http://127.0.0.1:${server.address().port}`;

    const health = await fetch(`${base}/healthz`);
    const healthText = await health.text();
    expect(health.status).toBe(200);
    expect(JSON.parse(healthText)).toEqual({ status: "ok", checks: { database: { ok: true, detail: "writable" }, telegram: { ok: true, detail: "polling" } } });
    const metricsText = await (await fetch(`${base}/metrics`)).text();
    expect(sampleValue(parsePrometheus(metricsText), "regbot_updates_total", { platform: "telegram" })).toBe(1);
    for (const text of [healthText, metricsText]) {
      expect(text).not.toContain(fake.token);
      expect(text).not.toContain(fake.token.split(":")[1]);
    }

    await runner.stop();
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });
});
