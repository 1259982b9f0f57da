import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloads, startFakeDiscord } from "../fakes/discord-server.js";
import { startRegbot } from "../fakes/regbot-process.js";
import { startFakeTelegram, updates } from "../fakes/telegram-server.js";
import { tempDir } from "../fakes/temp-store.js";

describe("regbot start with both tokens", () => {
  it("runs the Telegram and the Discord bot in one process over one database, and SIGTERM stops both", async () => {
    const telegram = await startFakeTelegram();
    const discord = await startFakeDiscord();
    onTestFinished(async () => {
      await discord.close();
      await telegram.close();
    });
    const regbot = startRegbot(["start"], {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_ROOT: discord.apiRoot,
      REGBOT_DB: path.join(tempDir(), "regbot.db"),
    });

    await regbot.printed("Ctrl+C stops it");
    telegram.push(updates.privateText("is crypto trading banned in China?"));
    const [sent] = await telegram.waitFor("sendMessage", 1, 15_000);
    expect(sent!.payload.text).toContain("[1]");
    discord.dispatch("INTERACTION_CREATE", payloads.slashCommand("ask", [{ name: "question", type: 3, value: "what does MiCA require of stablecoin issuers?" }]));
    // The index is in memory by now, so the answer is the interaction's first response.
    const [callback] = await discord.waitForRequest({ method: "POST", path: /\/callback$/ }, 1, 15_000);
    expect(JSON.stringify(callback!.body)).toContain("MiCA");

    regbot.child.kill("SIGTERM");
    expect(await regbot.exited).toBe(0);
    expect(regbot.output()).not.toContain(telegram.token);
    expect(regbot.output()).not.toContain(discord.token);
  }, 40_000);
});
