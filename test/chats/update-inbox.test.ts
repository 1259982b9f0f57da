import { describe, expect, it } from "vitest";
import { createUpdateInbox } from "../../src/chats/update-inbox.js";
import { openTempStore } from "../fakes/temp-store.js";

describe("the update inbox", () => {
  it("keeps received updates until each is done, oldest first, per platform, across reopening the file", () => {
    const store = openTempStore();
    const inbox = createUpdateInbox(store.db, { file: store.file });
    inbox.received("telegram", [
      { id: 13, payload: { update_id: 13 } },
      { id: 12, payload: { update_id: 12, message: { text: "<3 </a> _*[" } } },
      { id: 11, payload: { update_id: 11 } },
      { id: 10, payload: { update_id: 10 } },
    ]);
    inbox.received("discord", [{ id: 12, payload: { other: true } }]);
    inbox.done("telegram", 10);

    const reopened = openTempStore(store.file);
    const again = createUpdateInbox(reopened.db, { file: reopened.file });
    expect(again.pending("telegram")).toEqual([
      { id: 11, payload: { update_id: 11 } },
      { id: 12, payload: { update_id: 12, message: { text: "<3 </a> _*[" } } },
      { id: 13, payload: { update_id: 13 } },
    ]);
    expect(again.pending("discord")).toEqual([{ id: 12, payload: { other: true } }]);
  });

  it("keeps the first copy of an update received twice", () => {
    const store = openTempStore();
    const inbox = createUpdateInbox(store.db, { file: store.file });
    inbox.received("telegram", [{ id: 1, payload: { first: true } }]);
    inbox.received("telegram", [{ id: 1, payload: { first: false } }]);
    expect(inbox.pending("telegram")).toEqual([{ id: 1, payload: { first: true } }]);
  });

  it("remembers a handled update, without what it said, so the same update delivered again is not pending again", () => {
    const now = { at: new Date("2026-01-01T00:00:00Z") };
    const store = openTempStore();
    const inbox = createUpdateInbox(store.db, { file: store.file, now: () => now.at });
    inbox.received("telegram", [{ id: 7, payload: { message: { text: "my secret question" } } }]);
    inbox.done("telegram", 7);
    inbox.received("telegram", [{ id: 7, payload: { message: { text: "my secret question" } } }]);
    expect(inbox.pending("telegram")).toEqual([]);
    expect(inbox.isDone("telegram", 7)).toBe(true);
    expect(JSON.stringify(store.db.prepare("SELECT * FROM update_inbox").all())).not.toContain("secret");
    // A day later it is forgotten.
    now.at = new Date("2026-01-02T01:00:00Z");
    expect(inbox.prune()).toBe(1);
    expect(inbox.isDone("telegram", 7)).toBe(false);
  });
});
