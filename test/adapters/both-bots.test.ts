import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloads, startFakeDiscord } from "../fakes/discord-server.js";
import { startFakeTelegram, updates } from "../fakes/telegram-server.js";
import { tempDir } from "../fakes/temp-store.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("regbot start with both tokens", () => {
  it("runs the Telegram and the Discord bot in one process over one database, and SIGTERM stops both", async () => {
    const telegram = await startFakeTelegram();
    const discord = await startFakeDiscord();
    const child = spawn(process.execPath, ["bin/regbot", "start"], {
      cwd: ROOT,
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        DISCORD_TOKEN: discord.token,
        DISCORD_API_ROOT: discord.apiRoot,
        REGBOT_DB: path.join(tempDir(), "regbot.db"),
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    onTestFinished(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await discord.close();
      await telegram.close();
    });

    await discord.identified;
    telegram.push(updates.privateText("is crypto trading banned in China?"));
    const [sent] = await telegram.waitFor("sendMessage", 1, 15_000);
    expect(sent!.payload.text).toContain("[1]");
    discord.dispatch("INTERACTION_CREATE", payloads.slashCommand("ask", [{ name: "question", type: 3, value: "what does MiCA require of stablecoin issuers?" }]));
    const [edit] = await discord.waitForRequest({ method: "PATCH", path: /messages\/@original$/ }, 1, 15_000);
    expect(JSON.stringify(edit!.body)).toContain("MiCA");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toContain(telegram.token);
    expect(output).not.toContain(discord.token);
  }, 40_000);
});
