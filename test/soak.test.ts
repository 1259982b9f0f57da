import { describe, expect, it } from "vitest";
import { runSoak } from "../bench/soak-run.js";

// The short form of `npx tsx bench/soak.ts`: the same code path, 1,000 updates. Memory and speed are the
// script's business; here only correctness is checked.
describe("the Telegram bot under a stream of questions from many chats", () => {
  it("answers each of 1,000 questions from 100 private chats and groups exactly once, with no unhandled rejection", async () => {
    const report = await runSoak({ updates: 1000, chats: 100, batch: 250, batchTimeoutMs: 20_000 });

    expect(report).toMatchObject({ answeredOnce: 1000, missing: 0, duplicates: 0, failedReplies: 0, unhandledRejections: 0, handlerErrors: 0 });
  }, 30_000);
});
