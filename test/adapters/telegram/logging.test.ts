import path from "node:path";
import pino from "pino";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { startTelegram } from "../../../adapters/telegram/run.js";
import { createCore } from "../../../src/core.js";
import type { Logger } from "../../../src/logger.js";
import { STABLECOIN_ARTICLES } from "../../fakes/articles.js";
import { replyTo, startFakeTelegram, updates } from "../../fakes/telegram-server.js";
import { openTempStore, tempDir, writeFiles } from "../../fakes/temp-store.js";

interface Line {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly fields: Record<string, unknown>;
  readonly msg: string | undefined;
}

/** A logger that keeps every line, as pino would receive it. */
function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line["level"]) => (fields: object, msg?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

async function startBot(logger: Logger) {
  const dir = tempDir();
  const core = createCore({ store: openTempStore(path.join(dir, "regbot.db")) });
  core.ingest([writeFiles(path.join(dir, "articles"), STABLECOIN_ARTICLES)]);
  const fake = await startFakeTelegram();
  onTestFinished(() => fake.close());
  const runner = await startTelegram(fake.token, { core, logger, apiRoot: fake.apiRoot });
  onTestFinished(() => runner.stop());
  return { fake, core };
}

describe("Telegram logs", () => {
  it("say on every line about an update which platform, chat and update it was; the text only at debug level", async () => {
    const logger = recordingLogger();
    const { fake } = await startBot(logger);
    const update = updates.privateText("secret question about stablecoin reserves");
    await replyTo(fake, update);

    const received = logger.lines.find((l) => l.msg === "update received");
    expect(received).toMatchObject({ level: "debug", fields: { platform: "telegram", update: expect.any(Number), chat: update.message!.chat.id } });
    expect(received!.fields.text).toBe("secret question about stablecoin reserves");
    const aboutUpdates = logger.lines.filter((l) => "update" in l.fields);
    expect(aboutUpdates.length).toBeGreaterThan(1);
    for (const line of aboutUpdates) expect(line.fields).toMatchObject({ platform: "telegram", update: received!.fields.update, chat: update.message!.chat.id });
    for (const line of logger.lines.filter((l) => l.level !== "debug")) expect(JSON.stringify(line)).not.toContain("secret question");
  });

  it("log a failing handler as an error with the update's ids, never the token", async () => {
    const logger = recordingLogger();
    const { fake } = await startBot(logger);
    // Telegram refuses the answer: the handler fails with grammY's own error, which knows the call it made.
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const update = updates.privateText("stablecoin reserves");
    await replyTo(fake, update);
    const failure = await vi.waitFor(() => {
      const line = logger.lines.find((l) => l.level === "error");
      if (!line) throw new Error("no error logged yet");
      return line;
    });
    expect(failure).toMatchObject({ msg: "a Telegram handler failed", fields: { platform: "telegram", update: expect.any(Number), chat: update.message!.chat.id } });
    // Serialised as pino writes it: the error's message, stack and every own field.
    const written = JSON.stringify(logger.lines.map((l) => ({ ...l, fields: { ...l.fields, err: l.fields.err ? pino.stdSerializers.err(l.fields.err as Error) : undefined } })));
    expect(written).toContain("chat not found");
    expect(written).not.toContain(fake.token);
    expect(written).not.toContain(fake.token.split(":")[1]);
  });
});
