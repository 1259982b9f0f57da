import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloads, startFakeDiscord } from "../../fakes/discord-server.js";
import { tempDir } from "../../fakes/temp-store.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("regbot start --shards", () => {
  it("runs the Discord bot in a shard process that answers, and stops it all on SIGTERM", async () => {
    const fake = await startFakeDiscord();
    const db = path.join(tempDir(), "regbot.db");
    const child = spawn(process.execPath, ["bin/regbot", "start", "--shards", "auto"], {
      cwd: ROOT,
      env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_ROOT: fake.apiRoot, TELEGRAM_BOT_TOKEN: "", REGBOT_DB: db, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    onTestFinished(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await fake.close();
    });

    const identify = (await fake.identified) as { shard?: [number, number] };
    expect(identify.shard).toEqual([0, 1]);
    // The parent says so once the shard's client is ready.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the shard never became ready:\n${output}`)), 20_000);
      const check = () => {
        if (!output.includes("shard process")) return;
        clearTimeout(timer);
        resolve();
      };
      child.stderr.on("data", check);
      check();
    });
    fake.dispatch("INTERACTION_CREATE", payloads.slashCommand("ask", [{ name: "question", type: 3, value: "is crypto trading banned in China?" }]));
    const [edit] = await fake.waitForRequest({ method: "PATCH", path: /messages\/@original$/ }, 1, 15_000);
    expect(JSON.stringify(edit!.body)).toContain("[1]");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toContain(fake.token);
  }, 40_000);
});
