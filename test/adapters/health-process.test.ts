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
  it("serves /healthz (200 while the database is writable and Telegram connected) and /metrics counting updates", async () => {
    const telegram = await startFakeTelegram();
    onTestFinished(() => telegram.close());
    const port = await freePort();
    const regbot = startRegbot(["start"], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, REGBOT_DB: path.join(tempDir(), "regbot.db"), HEALTH_PORT: String(port) });
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

    regbot.child.kill("SIGTERM");
    expect(await regbot.exited).toBe(0);
  }, 40_000);
});
