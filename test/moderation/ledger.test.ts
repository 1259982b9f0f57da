import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createWarningLedger, DEFAULT_POLICY, type Place } from "../../src/moderation/ledger.js";
import { formatDuration, parseDuration } from "../../src/moderation/duration.js";
import { openDatabase } from "../../src/storage/database.js";
import { tempDir } from "../fakes/temp-store.js";
import { regbotErrorOf } from "../fakes/regbot-error.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const chat: Place = { platform: "telegram", chatId: "-1001" };
const mod = { id: "1", name: "Mod <b>" };
const scammer = { id: "66", name: "DM me for 10x _*[" };

function open(file = path.join(tempDir(), "regbot.db"), now?: () => Date) {
  const db = openDatabase(file);
  return { ledger: createWarningLedger(db, { file, ...(now ? { now } : {}) }), db, file };
}

describe("warn", () => {
  it("counts a member's warnings against the default limit of 3 and acts (mute 24 h) on the third", () => {
    const { ledger, db } = open();
    expect(ledger.warn(chat, scammer, mod, "fake airdrop")).toMatchObject({ count: 1, action: null, policy: DEFAULT_POLICY });
    expect(ledger.warn(chat, scammer, mod, "again").count).toBe(2);
    const third = ledger.warn(chat, scammer, mod, "third time");
    expect(third).toMatchObject({ count: 3, action: { kind: "mute", durationSeconds: 86400 } });
    expect(ledger.active(chat, scammer.id)).toEqual([]);
    expect(ledger.warn(chat, scammer, mod, "fresh start").count).toBe(1);
    db.close();
  });

  it("keeps the reason, the evidence and names as given, and audits the warn and the action", () => {
    const { ledger, db } = open();
    ledger.setPolicy(chat, mod, { limit: 1, action: "ban", durationSeconds: null });
    const outcome = ledger.warn(chat, scammer, mod, "  '; DROP TABLE warnings; --  ", "DM me for 10x returns");
    expect(outcome.warning).toMatchObject({ reason: "'; DROP TABLE warnings; --", evidence: "DM me for 10x returns", userName: scammer.name, moderatorName: mod.name });
    expect(ledger.log(chat).map((e) => e.what)).toEqual(["limit reached: ban", "warn", "warnconfig"]);
    db.close();
  });

  it("keeps chats apart", () => {
    const { ledger, db } = open();
    ledger.warn(chat, scammer, mod, "here");
    expect(ledger.active({ platform: "telegram", chatId: "-2002" }, scammer.id)).toEqual([]);
    expect(ledger.active({ platform: "discord", chatId: "-1001" }, scammer.id)).toEqual([]);
    db.close();
  });

  it("stops counting warnings older than the chat's expiry", () => {
    let t = new Date("2026-01-01T00:00:00Z");
    const { ledger, db } = open(undefined, () => t);
    ledger.setPolicy(chat, mod, { expirySeconds: 30 * 86400 });
    ledger.warn(chat, scammer, mod, "old");
    t = new Date("2026-02-15T00:00:00Z");
    expect(ledger.warn(chat, scammer, mod, "new").count).toBe(1);
    db.close();
  });
});

describe("unwarn and reset", () => {
  it("removes the latest warning, or the one named, and says when there is none", () => {
    const { ledger, db } = open();
    const first = ledger.warn(chat, scammer, mod, "one").warning;
    const second = ledger.warn(chat, scammer, mod, "two").warning;
    expect(ledger.unwarn(chat, scammer, mod)?.id).toBe(second.id);
    expect(ledger.unwarn(chat, scammer, mod, 999_999)).toBeNull();
    expect(ledger.unwarn(chat, scammer, mod, first.id)?.id).toBe(first.id);
    expect(ledger.unwarn(chat, scammer, mod)).toBeNull();
    db.close();
  });

  it("clears every active warning and reports how many", () => {
    const { ledger, db } = open();
    ledger.warn(chat, scammer, mod, "one");
    ledger.warn(chat, scammer, mod, "two");
    expect(ledger.reset(chat, scammer, mod)).toBe(2);
    expect(ledger.active(chat, scammer.id)).toEqual([]);
    db.close();
  });
});

describe("policy", () => {
  it("refuses limits, mutes and expiries outside what the platforms honour, naming the range", () => {
    const { ledger, db } = open();
    expect(regbotErrorOf(() => ledger.setPolicy(chat, mod, { limit: 0 })).message).toBe("The warn limit must be a whole number from 1 to 20.");
    expect(regbotErrorOf(() => ledger.setPolicy(chat, mod, { action: "mute", durationSeconds: 29 * 86400 })).message).toContain("from 1 minute to 28 days");
    expect(regbotErrorOf(() => ledger.setPolicy(chat, mod, { expirySeconds: 5 })).message).toContain("1 minute at the soonest");
    expect(ledger.policy(chat)).toEqual(DEFAULT_POLICY);
    db.close();
  });

  it("survives a restart, together with the warnings and the audit trail", () => {
    const first = open();
    first.ledger.setPolicy(chat, mod, { limit: 5, action: "kick" });
    first.ledger.warn(chat, scammer, mod, "kept");
    first.db.close();
    const again = open(first.file);
    expect(again.ledger.policy(chat)).toMatchObject({ limit: 5, action: "kick", durationSeconds: null });
    expect(again.ledger.active(chat, scammer.id).map((w) => w.reason)).toEqual(["kept"]);
    expect(again.ledger.log(chat)).toHaveLength(2);
    again.db.close();
  });

  it("moves a chat's warnings, policy and audit to its new id", () => {
    const { ledger, db } = open();
    ledger.setPolicy(chat, mod, { limit: 2 });
    ledger.warn(chat, scammer, mod, "before the upgrade");
    ledger.moveChat("telegram", "-1001", "-1009");
    const moved = { platform: "telegram", chatId: "-1009" };
    expect(ledger.policy(moved).limit).toBe(2);
    expect(ledger.warn(moved, scammer, mod, "after").action?.kind).toBe("mute");
    db.close();
  });
});

describe("concurrent warns", () => {
  it("never loses a count and acts exactly once per limit when two processes warn the same member at once", async () => {
    const { db, file } = open();
    db.close();
    const script = `
      const { openDatabase } = await import(${JSON.stringify(path.join(ROOT, "dist/src/storage/database.js"))});
      const { createWarningLedger } = await import(${JSON.stringify(path.join(ROOT, "dist/src/moderation/ledger.js"))});
      const db = openDatabase(process.argv[1]);
      const ledger = createWarningLedger(db, { file: process.argv[1] });
      let actions = 0;
      for (let i = 0; i < 30; i++) if (ledger.warn({ platform: "telegram", chatId: "-1001" }, { id: "66", name: "x" }, { id: process.argv[2], name: "m" }, "spam").action) actions++;
      db.close();
      console.log(actions);`;
    const run = (who: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, file, who], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`worker exited ${code}`))));
      });
    const [a, b] = await Promise.all([run("1"), run("2")]);
    expect(a + b).toBe(20);
    const after = open(file);
    const rows = after.db.prepare("SELECT count(*) AS n FROM warnings").get() as { n: number };
    expect(rows.n).toBe(60);
    expect(after.ledger.log(chat, { limit: 100 }).filter((e) => e.what.startsWith("limit reached"))).toHaveLength(20);
    after.db.close();
  });
});

describe("durations", () => {
  it("reads 30m, 12h and 7d, and refuses anything else with an example", () => {
    expect([parseDuration("30m"), parseDuration("12h"), parseDuration("7d")]).toEqual([1800, 43200, 604800]);
    expect(regbotErrorOf(() => parseDuration("forever")).message).toBe("“forever” is not a duration: use minutes, hours or days, like 30m, 12h or 7d.");
    expect(formatDuration(90000)).toBe("1d 1h");
  });
});

describe("reopen", () => {
  it("makes the warnings closed by a refused action count again, and audits the refusal", () => {
    const { ledger, db } = open();
    ledger.setPolicy(chat, mod, { limit: 2 });
    ledger.warn(chat, scammer, mod, "one");
    const second = ledger.warn(chat, scammer, mod, "two");
    expect(second.escalated).toHaveLength(2);
    ledger.reopen(chat, mod, scammer, second.escalated, "mute failed", "user is an administrator of the chat");
    expect(ledger.active(chat, scammer.id).map((w) => w.reason)).toEqual(["one", "two"]);
    expect(ledger.log(chat)[0]).toMatchObject({ what: "mute failed", detail: "user is an administrator of the chat" });
    db.close();
  });
});

describe("a command delivered twice", () => {
  it("warns once: the same source key again records nothing and says it is a duplicate", () => {
    const { ledger, db } = open();
    const first = ledger.warn(chat, scammer, mod, "spam", null, "-1001:42");
    const again = ledger.warn(chat, scammer, mod, "spam", null, "-1001:42");
    expect(again).toMatchObject({ duplicate: true, count: 1, action: null });
    expect(again.warning.id).toBe(first.warning.id);
    expect(ledger.active(chat, scammer.id)).toHaveLength(1);
    expect(ledger.warn(chat, scammer, mod, "other", null, "-1001:43").count).toBe(2);
    db.close();
  });
});

describe("timed bans", () => {
  it("last from a minute to 366 days (Telegram makes a longer one permanent)", () => {
    const { ledger, db } = open();
    expect(regbotErrorOf(() => ledger.setPolicy(chat, mod, { action: "ban", durationSeconds: 400 * 86400 })).message).toBe("A timed ban lasts from 1 minute to 366 days; for longer, ban without a duration.");
    expect(ledger.setPolicy(chat, mod, { action: "ban", durationSeconds: 7 * 86400 })).toMatchObject({ action: "ban", durationSeconds: 604800 });
    db.close();
  });

  it("are remembered until lifted, and only when due", () => {
    const { ledger, db } = open();
    ledger.scheduleUnban({ platform: "discord", chatId: "g1" }, "u1", new Date("2026-01-02T00:00:00Z"));
    expect(ledger.dueUnbans("discord", new Date("2026-01-01T00:00:00Z"))).toEqual([]);
    expect(ledger.dueUnbans("discord", new Date("2026-01-03T00:00:00Z"))).toEqual([{ place: { platform: "discord", chatId: "g1" }, userId: "u1" }]);
    ledger.unbanned({ platform: "discord", chatId: "g1" }, "u1");
    expect(ledger.dueUnbans("discord", new Date("2026-01-03T00:00:00Z"))).toEqual([]);
    db.close();
  });
});
