import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloads, startFakeDiscord } from "../../fakes/discord-server.js";
import { startRegbot } from "../../fakes/regbot-process.js";
import { tempDir } from "../../fakes/temp-store.js";

describe("regbot start --shards", () => {
  it("runs the Discord bot in a shard process that answers, and stops it all on SIGTERM", async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const regbot = startRegbot(["start", "--shards", "auto"], { DISCORD_TOKEN: fake.token, DISCORD_API_ROOT: fake.apiRoot, REGBOT_DB: path.join(tempDir(), "regbot.db") });

    const identify = (await fake.identified) as { shard?: [number, number] };
    expect(identify.shard).toEqual([0, 1]);
    // The parent says so once the shard's client is ready.
    await regbot.printed("shard process");
    fake.dispatch("INTERACTION_CREATE", payloads.slashCommand("ask", [{ name: "question", type: 3, value: "is crypto trading banned in China?" }]));
    const [edit] = await fake.waitForRequest({ method: "PATCH", path: /messages\/@original$/ }, 1, 15_000);
    expect(JSON.stringify(edit!.body)).toContain("[1]");

    regbot.child.kill("SIGTERM");
    expect(await regbot.exited).toBe(0);
    expect(regbot.output()).not.toContain(fake.token);
  }, 40_000);
});
