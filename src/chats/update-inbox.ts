import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";

/**
 * Updates a chat adapter received by polling and has not finished handling, kept in SQLite so a killed process
 * handles them when it starts again (at least once) instead of losing them. A handled update keeps only its id,
 * for a day, so one Telegram delivers again after a restart is recognised and not handled twice.
 */
export interface UpdateInbox {
  /** Records a received batch in one transaction; an update already recorded (or already handled) is left as it is. */
  received(platform: string, updates: ReadonlyArray<{ readonly id: number; readonly payload: unknown }>): void;
  /** Whether this update was handled already. */
  isDone(platform: string, id: number): boolean;
  /** Marks an update handled (or failed and answered), and drops its payload: what people wrote is not kept. */
  done(platform: string, id: number): void;
  /** Updates received and never finished, oldest first. */
  pending(platform: string): Array<{ id: number; payload: unknown }>;
  /** Forgets handled updates older than `hours` (default a day). */
  prune(hours?: number): number;
}

/** Creates the inbox over an open, migrated database. */
export function createUpdateInbox(db: Db, options: { file: string; now?: () => Date }): UpdateInbox {
  const guard = sqliteGuard(options.file);
  const now = () => options.now?.() ?? new Date();
  const insert = db.prepare<[string, number, string, string]>("INSERT OR IGNORE INTO update_inbox (platform, update_id, payload, received_at) VALUES (?, ?, ?, ?)");
  const doneOne = db.prepare<[string, string, number]>("UPDATE update_inbox SET done_at = ?, payload = '' WHERE platform = ? AND update_id = ?");
  const markNew = db.prepare<[string, number, string, string]>(
    "INSERT INTO update_inbox (platform, update_id, payload, received_at, done_at) VALUES (?, ?, '', ?, ?) ON CONFLICT DO NOTHING",
  );
  const isDoneRow = db.prepare<[string, number], { done: number }>("SELECT done_at IS NOT NULL AS done FROM update_inbox WHERE platform = ? AND update_id = ?");
  const list = db.prepare<[string], { update_id: number; payload: string }>("SELECT update_id, payload FROM update_inbox WHERE platform = ? AND done_at IS NULL ORDER BY update_id");
  const pruneRows = db.prepare<[string]>("DELETE FROM update_inbox WHERE done_at IS NOT NULL AND done_at < ?");
  const insertAll = db.transaction((platform: string, updates: ReadonlyArray<{ id: number; payload: unknown }>, at: string) => {
    for (const u of updates) insert.run(platform, u.id, JSON.stringify(u.payload), at);
  });
  return {
    received: (platform, updates) => guard(() => void (updates.length && insertAll(platform, updates, now().toISOString()))),
    isDone: (platform, id) => guard(() => isDoneRow.get(platform, id)?.done === 1),
    done: (platform, id) =>
      guard(() => {
        const at = now().toISOString();
        if (doneOne.run(at, platform, id).changes === 0) markNew.run(platform, id, at, at);
      }),
    pending: (platform) => guard(() => list.all(platform).map((r) => ({ id: r.update_id, payload: JSON.parse(r.payload) as unknown }))),
    prune: (hours = 24) => guard(() => pruneRows.run(new Date(now().getTime() - hours * 3_600_000).toISOString()).changes),
  };
}
