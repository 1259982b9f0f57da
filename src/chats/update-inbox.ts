import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";

/**
 * Updates a chat adapter received and has not finished handling, kept in SQLite so a killed process handles them
 * when it starts again (at least once) instead of losing them. Payloads are the platform's own JSON.
 */
export interface UpdateInbox {
  /** Records a received batch in one transaction (an update already recorded is kept as it is). */
  received(platform: string, updates: ReadonlyArray<{ readonly id: number; readonly payload: unknown }>): void;
  /** Forgets an update once it has been handled (or has failed and been answered). */
  done(platform: string, id: number): void;
  /** Updates received and never finished, oldest first. */
  pending(platform: string): Array<{ id: number; payload: unknown }>;
}

/** Creates the inbox over an open, migrated database. */
export function createUpdateInbox(db: Db, options: { file: string; now?: () => Date }): UpdateInbox {
  const guard = sqliteGuard(options.file);
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const insert = db.prepare<[string, number, string, string]>("INSERT OR IGNORE INTO update_inbox (platform, update_id, payload, received_at) VALUES (?, ?, ?, ?)");
  const remove = db.prepare<[string, number]>("DELETE FROM update_inbox WHERE platform = ? AND update_id = ?");
  const list = db.prepare<[string], { update_id: number; payload: string }>("SELECT update_id, payload FROM update_inbox WHERE platform = ? ORDER BY update_id");
  const insertAll = db.transaction((platform: string, updates: ReadonlyArray<{ id: number; payload: unknown }>, at: string) => {
    for (const u of updates) insert.run(platform, u.id, JSON.stringify(u.payload), at);
  });
  return {
    received: (platform, updates) => guard(() => void (updates.length && insertAll(platform, updates, now()))),
    done: (platform, id) => guard(() => void remove.run(platform, id)),
    pending: (platform) => guard(() => list.all(platform).map((r) => ({ id: r.update_id, payload: JSON.parse(r.payload) as unknown }))),
  };
}
