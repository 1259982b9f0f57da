import { describe, expect, it } from "vitest";
import { createCore } from "../../src/core.js";
import { FORGOTTEN } from "../../src/moderation/privacy.js";
import { openTempStore } from "../fakes/temp-store.js";

const group = { platform: "telegram", chatId: "-100" };
const other = { platform: "telegram", chatId: "-200" };
const mallory = { id: "42", name: "Mallory <3" };
const mod = { id: "7", name: "Mod Mary" };

function setup(now = { at: new Date("2026-01-01T00:00:00Z") }) {
  const store = openTempStore(undefined, { now: () => now.at });
  const core = createCore({ store, now: () => now.at });
  return { core, store, now };
}

describe("forgetting a member", () => {
  it("erases their names, reasons and evidence in every chat, while their warnings still count", () => {
    const { core, store } = setup();
    const { ledger, members, privacy } = core.moderation;
    members.saw(group, { ...mallory, username: "mallory" });
    members.saw(other, { ...mallory, username: "mallory" });
    ledger.warn(group, mallory, mod, "spam links", "buy my coin at scam.example");
    ledger.warn(other, mallory, mod, "insults");

    const report = privacy.forget("telegram", "42");
    expect(report).toMatchObject({ warnings: 2, membersSeen: 2 });

    expect(ledger.active(group, "42")).toHaveLength(1);
    expect(ledger.active(group, "42")[0]).toMatchObject({ userName: FORGOTTEN, reason: "", evidence: null });
    expect(members.byUsername(group, "mallory")).toBeUndefined();
    const everything = JSON.stringify(store.db.prepare("SELECT * FROM warnings").all()) + JSON.stringify(store.db.prepare("SELECT * FROM audit").all()) + JSON.stringify(store.db.prepare("SELECT * FROM members_seen").all());
    expect(everything).not.toContain("Mallory");
    expect(everything).not.toContain("scam.example");
    expect(everything).not.toContain("spam links");
    // The moderator's own records are untouched.
    expect(everything).toContain("Mod Mary");
  });

  it("keeps the warn limit working: the next warning after forgetting still reaches it", () => {
    const { core } = setup();
    const { ledger, privacy } = core.moderation;
    ledger.warn(group, mallory, mod, "one");
    ledger.warn(group, mallory, mod, "two");
    privacy.forget("telegram", "42");
    const third = ledger.warn(group, mallory, mod, "three");
    expect(third.count).toBe(3);
    expect(third.action?.kind).toBe("mute");
  });

  it("erases a moderator's name from the warnings they gave, and touches no other platform", () => {
    const { core } = setup();
    const { ledger, privacy } = core.moderation;
    ledger.warn(group, mallory, mod, "spam");
    ledger.warn({ platform: "discord", chatId: "1" }, { id: "7", name: "Discord Seven" }, mallory, "rude");
    expect(privacy.forget("telegram", "7").given).toBe(1);
    expect(ledger.active(group, "42")[0]!.moderatorName).toBe(FORGOTTEN);
    expect(ledger.active({ platform: "discord", chatId: "1" }, "7")[0]!.userName).toBe("Discord Seven");
  });
});

describe("evidence retention", () => {
  it("erases the evidence of warnings older than the retention, and keeps newer evidence", () => {
    const { core, now } = setup();
    const { ledger, privacy } = core.moderation;
    ledger.warn(group, mallory, mod, "old", "old evidence");
    now.at = new Date("2026-06-01T00:00:00Z");
    ledger.warn(group, mallory, mod, "new", "new evidence");
    expect(privacy.pruneEvidence(30)).toBe(1);
    expect(ledger.active(group, "42").map((w) => w.evidence)).toEqual([null, "new evidence"]);
    expect(privacy.pruneEvidence(0)).toBe(0);
  });
});
