import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";

/** A news feed regbot polls, with what the last polls found. */
export interface Feed {
  readonly id: number;
  readonly url: string;
  /** The name the user gave it, if any. */
  readonly name: string | null;
  /** The feed's own title, once polled. */
  readonly title: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly addedAt: string;
  readonly polledAt: string | null;
  /** What the last poll found, in words ("ok: 3 new", "HTTP 500 Internal Server Error", "not modified"). */
  readonly status: string | null;
  readonly okAt: string | null;
  /** When a poll last added an article. */
  readonly newItemAt: string | null;
  /** Articles this feed has added, in all. */
  readonly itemsAdded: number;
  /** Failures in a row (0 after a success); polls back off as it grows. */
  readonly failures: number;
  /** Failures in all. */
  readonly errorsTotal: number;
  readonly nextPollAt: string | null;
  /** Why polling stopped (too many failures in a row), or `null` while the feed is polled. */
  readonly disabledReason: string | null;
}

/** The feeds table. */
export interface FeedStore {
  /** Adds a feed; an existing one is returned (`created: false`), re-enabled if it was disabled (`reenabled`). */
  add(url: string, options?: { name?: string | null }): { feed: Feed; created: boolean; reenabled: boolean };
  get(url: string): Feed | undefined;
  list(): Feed[];
  /** Removes a feed; its articles stay unless the caller retracts them. */
  remove(url: string): Feed | undefined;
  /** Feeds that are enabled and due at `now`. */
  due(now: Date): Feed[];
  /** Feeds that are enabled. */
  enabled(): Feed[];
  recordSuccess(id: number, result: { status: string; title: string | null; etag: string | null; lastModified: string | null; added: number; at: Date; nextPollAt: Date }): void;
  recordFailure(id: number, result: { status: string; at: Date; nextPollAt: Date; disable?: string | null }): Feed | undefined;
}

interface Row {
  id: number;
  url: string;
  name: string | null;
  title: string | null;
  etag: string | null;
  last_modified: string | null;
  added_at: string;
  polled_at: string | null;
  status: string | null;
  ok_at: string | null;
  new_item_at: string | null;
  items_added: number;
  failures: number;
  errors_total: number;
  next_poll_at: string | null;
  disabled_reason: string | null;
}

const toFeed = (r: Row): Feed => ({
  id: r.id,
  url: r.url,
  name: r.name,
  title: r.title,
  etag: r.etag,
  lastModified: r.last_modified,
  addedAt: r.added_at,
  polledAt: r.polled_at,
  status: r.status,
  okAt: r.ok_at,
  newItemAt: r.new_item_at,
  itemsAdded: r.items_added,
  failures: r.failures,
  errorsTotal: r.errors_total,
  nextPollAt: r.next_poll_at,
  disabledReason: r.disabled_reason,
});

/** Creates the feed store over an open, migrated database. */
export function createFeedStore(db: Db, options: { file: string; now?: () => Date }): FeedStore {
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const guard = sqliteGuard(options.file);
  const byUrl = db.prepare<[string], Row>("SELECT * FROM feeds WHERE url = ?");
  const byId = db.prepare<[number], Row>("SELECT * FROM feeds WHERE id = ?");
  const insert = db.prepare<[string, string | null, string]>("INSERT INTO feeds (url, name, added_at) VALUES (?, ?, ?)");
  const enable = db.prepare<[string | null, number]>("UPDATE feeds SET disabled_reason = NULL, failures = 0, next_poll_at = NULL, name = coalesce(?, name) WHERE id = ?");
  const all = db.prepare<[], Row>("SELECT * FROM feeds ORDER BY id");
  const enabledRows = db.prepare<[], Row>("SELECT * FROM feeds WHERE disabled_reason IS NULL ORDER BY id");
  const dueRows = db.prepare<[string], Row>("SELECT * FROM feeds WHERE disabled_reason IS NULL AND (next_poll_at IS NULL OR next_poll_at <= ?) ORDER BY next_poll_at IS NOT NULL, next_poll_at, id");
  const deleteOne = db.prepare<[number]>("DELETE FROM feeds WHERE id = ?");
  const success = db.prepare(
    `UPDATE feeds SET polled_at = @at, ok_at = @at, status = @status, title = coalesce(@title, title), etag = @etag, last_modified = @lastModified,
       failures = 0, items_added = items_added + @added, new_item_at = CASE WHEN @added > 0 THEN @at ELSE new_item_at END, next_poll_at = @next
     WHERE id = @id`,
  );
  const failure = db.prepare(
    `UPDATE feeds SET polled_at = @at, status = @status, failures = failures + 1, errors_total = errors_total + 1, next_poll_at = @next,
       disabled_reason = coalesce(@disable, disabled_reason)
     WHERE id = @id`,
  );
  return {
    add: (url, { name = null } = {}) =>
      guard(() =>
        db.transaction(() => {
          const existing = byUrl.get(url);
          if (existing) {
            const reenabled = existing.disabled_reason !== null;
            if (reenabled || (name && name !== existing.name)) enable.run(name, existing.id);
            return { feed: toFeed(byId.get(existing.id)!), created: false, reenabled };
          }
          const id = Number(insert.run(url, name, now()).lastInsertRowid);
          return { feed: toFeed(byId.get(id)!), created: true, reenabled: false };
        }).immediate(),
      ),
    get: (url) => guard(() => {
      const row = byUrl.get(url);
      return row ? toFeed(row) : undefined;
    }),
    list: () => guard(() => all.all().map(toFeed)),
    remove: (url) =>
      guard(() => {
        const row = byUrl.get(url);
        if (!row) return undefined;
        deleteOne.run(row.id);
        return toFeed(row);
      }),
    due: (at) => guard(() => dueRows.all(at.toISOString()).map(toFeed)),
    enabled: () => guard(() => enabledRows.all().map(toFeed)),
    recordSuccess: (id, r) =>
      guard(() => void success.run({ id, at: r.at.toISOString(), status: r.status, title: r.title, etag: r.etag, lastModified: r.lastModified, added: r.added, next: r.nextPollAt.toISOString() })),
    recordFailure: (id, r) =>
      guard(() => {
        failure.run({ id, at: r.at.toISOString(), status: r.status, next: r.nextPollAt.toISOString(), disable: r.disable ?? null });
        const row = byId.get(id);
        return row ? toFeed(row) : undefined;
      }),
  };
}
