import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startRegbot } from "../fakes/regbot-process.js";
import { startFakeTelegram, updates } from "../fakes/telegram-server.js";
import { tempDir } from "../fakes/temp-store.js";

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("regbot start with HEALTH_PORT", () => {
  it("serves /healthz and /metrics, holds the database against a second start, and lets go of it on Ctrl+C", async () => {
    const telegram = await startFakeTelegram();
    onTestFinished(() => telegram.close());
    const port = await freePort();
    const db = path.join(tempDir(), "regbot.db");
    const regbot = startRegbot(["start"], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REGBOT_DB: db, HEALTH_PORT: String(port) });
    await regbot.printed("Ctrl+C stops it");
    expect(regbot.output()).toContain(`health on http://127.0.0.1:${port}/healthz`);

    telegram.push(updates.privateText("is crypto trading banned in China?"));
    await telegram.waitFor("sendMessage", 1, 15_000);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe("ok");
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.telegram?.ok).toBe(true);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^regbot_updates_total\{platform="telegram"\} [1-9]/m);
    expect(metrics).toMatch(/^regbot_answers_total\{platform="telegram",outcome="cited"\} 1$/m);
    expect(metrics).not.toContain(telegram.token);

    // A second `regbot start` on the same database is refused, naming the first.
    const second = startRegbot(["start"], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REGBOT_DB: db });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`is in use by regbot (pid ${regbot.child.pid})`);

    // Ctrl+C (SIGINT, as pm2 sends) stops it cleanly and lets go of the database.
    regbot.child.kill("SIGINT");
    expect(await regbot.exited).toBe(0);
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  }, 40_000);
});
