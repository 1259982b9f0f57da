import path from "node:path";
import { describe, expect, it } from "vitest";
import { createChatSettingsStore } from "../../src/chats/chat-settings.js";
import { openDatabase } from "../../src/storage/database.js";
import { tempDir } from "../fakes/temp-store.js";

function store(file = path.join(tempDir(), "regbot.db")) {
  const db = openDatabase(file);
  return { settings: createChatSettingsStore(db, { file }), db, file };
}

describe("chat settings", () => {
  it("answer everywhere in a chat nobody configured", () => {
    const { settings, db } = store();
    expect(settings.get("telegram", -100)).toEqual({ answers: "on", threadId: null });
    db.close();
  });

  it("keep each platform's chats apart and survive a restart", () => {
    const { settings, db, file } = store();
    settings.set("telegram", -100, { answers: "here", threadId: "42" });
    db.close();
    const again = store(file);
    expect(again.settings.get("telegram", -100)).toEqual({ answers: "here", threadId: "42" });
    expect(again.settings.get("discord", -100)).toEqual({ answers: "on", threadId: null });
    again.db.close();
  });

  it("move with a group that becomes a supergroup under a new id", () => {
    const { settings, db } = store();
    settings.set("telegram", -100, { answers: "off", threadId: null });
    settings.move("telegram", -100, -1001234);
    expect(settings.get("telegram", -1001234)).toEqual({ answers: "off", threadId: null });
    expect(settings.get("telegram", -100)).toEqual({ answers: "on", threadId: null });
    db.close();
  });
});
