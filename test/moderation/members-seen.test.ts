import path from "node:path";
import { describe, expect, it } from "vitest";
import { createMembersSeen } from "../../src/moderation/members-seen.js";
import { openDatabase } from "../../src/storage/database.js";
import { tempDir } from "../fakes/temp-store.js";

const chat = { platform: "telegram", chatId: "-1001" };

function open(now: () => Date) {
  const file = path.join(tempDir(), "regbot.db");
  const db = openDatabase(file);
  return { members: createMembersSeen(db, { file, now }), db, seenAt: () => (db.prepare("SELECT seen_at FROM members_seen").get() as { seen_at: string }).seen_at };
}

describe("members seen", () => {
  it("finds a member by @username in any case, and by id", () => {
    const { members, db } = open(() => new Date());
    members.saw(chat, { id: "42", name: "Bob", username: "Bob_Spams" });
    expect(members.byUsername(chat, "@bob_spams")).toEqual({ id: "42", name: "Bob" });
    expect(members.byId(chat, "42")).toEqual({ id: "42", name: "Bob" });
    expect(members.byUsername({ platform: "telegram", chatId: "-2002" }, "bob_spams")).toBeUndefined();
    db.close();
  });

  it("follows a changed username at once, but does not rewrite an unchanged member within the hour", () => {
    let t = new Date("2026-01-01T00:00:00Z");
    const { members, db, seenAt } = open(() => t);
    members.saw(chat, { id: "42", name: "Bob", username: "bob" });
    t = new Date("2026-01-01T00:30:00Z");
    members.saw(chat, { id: "42", name: "Bob", username: "bob" });
    expect(seenAt()).toBe("2026-01-01T00:00:00.000Z");
    members.saw(chat, { id: "42", name: "Bob", username: "bob_new" });
    expect(members.byUsername(chat, "bob_new")?.id).toBe("42");
    t = new Date("2026-01-01T02:00:00Z");
    members.saw(chat, { id: "42", name: "Bob", username: "bob_new" });
    expect(seenAt()).toBe("2026-01-01T02:00:00.000Z");
    db.close();
  });
});
