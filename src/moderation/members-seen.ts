import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";
import type { Person, Place } from "./ledger.js";

/** Members the bot has seen post in a chat: how a moderator's `@username` finds its member. */
export interface MembersSeen {
  saw(place: Place, member: Person & { username?: string | undefined }): void;
  /** The member last seen with this username (without the @, any case), or `undefined`. */
  byUsername(place: Place, username: string): Person | undefined;
  byId(place: Place, userId: string): Person | undefined;
  moveChat(platform: string, fromId: string, toId: string): void;
}

/** How long a member seen again with the same name is not written again. */
const REWRITE_MS = 3_600_000;

/** Creates the store over an open, migrated database. */
export function createMembersSeen(db: Db, options: { file: string; now?: () => Date }): MembersSeen {
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const guard = sqliteGuard(options.file);
  const recent = new Map<string, { what: string; at: number }>();
  const upsert = db.prepare(
    `INSERT INTO members_seen (platform, chat_id, user_id, username, name, seen_at) VALUES (@platform, @chatId, @id, @username, @name, @at)
     ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET username = excluded.username, name = excluded.name, seen_at = excluded.seen_at`,
  );
  const byName = db.prepare<[string, string, string], { user_id: string; name: string }>(
    "SELECT user_id, name FROM members_seen WHERE platform = ? AND chat_id = ? AND username = ? COLLATE NOCASE ORDER BY seen_at DESC LIMIT 1",
  );
  const byUser = db.prepare<[string, string, string], { user_id: string; name: string }>("SELECT user_id, name FROM members_seen WHERE platform = ? AND chat_id = ? AND user_id = ?");
  return {
    saw: (place, member) => {
      // Called for every message in a group: write only what is new (a member, a changed name) or an hour old.
      const key = `${place.platform}\u0000${place.chatId}\u0000${member.id}`;
      const what = `${member.username ?? ""}\u0000${member.name}`;
      const last = recent.get(key);
      const at = now();
      if (last && last.what === what && Date.parse(at) - last.at < REWRITE_MS) return;
      guard(() => void upsert.run({ ...place, id: member.id, username: member.username ?? null, name: member.name, at }));
      recent.set(key, { what, at: Date.parse(at) });
      if (recent.size > 100_000) recent.clear();
    },
    byUsername: (place, username) =>
      guard(() => {
        const row = byName.get(place.platform, place.chatId, username.replace(/^@/, ""));
        return row ? { id: row.user_id, name: row.name } : undefined;
      }),
    byId: (place, userId) =>
      guard(() => {
        const row = byUser.get(place.platform, place.chatId, userId);
        return row ? { id: row.user_id, name: row.name } : undefined;
      }),
    moveChat: (platform, fromId, toId) => guard(() => void db.prepare("UPDATE OR REPLACE members_seen SET chat_id = ? WHERE platform = ? AND chat_id = ?").run(toId, platform, fromId)),
  };
}
