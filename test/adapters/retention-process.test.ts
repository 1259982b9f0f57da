import path from "node:path";
import { describe, expect, it } from "vitest";
import { createArticleStore } from "../../src/articles/store.js";
import { createCore } from "../../src/core.js";
import { openDatabase } from "../../src/storage/database.js";
import { startRegbot } from "../fakes/regbot-process.js";
import { tempDir } from "../fakes/temp-store.js";

describe("warning evidence retention", () => {
  it("regbot start erases the evidence of warnings older than REGBOT_EVIDENCE_DAYS, keeping the warnings", async () => {
    const db = path.join(tempDir(), "regbot.db");
    const place = { platform: "telegram", chatId: "-100" };
    const at = (iso: string) => {
      const database = openDatabase(db);
      const core = createCore({ store: createArticleStore(database, { file: db }), now: () => new Date(iso) });
      core.moderation.ledger.warn(place, { id: "42", name: "Mallory" }, { id: "7", name: "Mod" }, "spam", `evidence from ${iso}`);
      database.close();
    };
    at("2020-01-01T00:00:00Z");
    at(new Date().toISOString());

    // No bot token: the terminal chat, which ends at once on a closed input.
    const regbot = startRegbot(["start"], { REGBOT_DB: db, REGBOT_EVIDENCE_DAYS: "30" });
    expect(await regbot.exited, regbot.output()).toBe(0);

    const database = openDatabase(db);
    const rows = database.prepare("SELECT reason, evidence FROM warnings ORDER BY id").all() as Array<{ reason: string; evidence: string | null }>;
    database.close();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ reason: "spam", evidence: null });
    expect(rows[1]!.evidence).toMatch(/^evidence from /);
  }, 30_000);
});
