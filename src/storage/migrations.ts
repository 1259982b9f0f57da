/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a shipped
 * step: append a new one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE articles (
    id            TEXT PRIMARY KEY,
    identity      TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    url           TEXT,
    source        TEXT,
    published_at  TEXT,
    jurisdictions TEXT NOT NULL DEFAULT '[]',
    topics        TEXT NOT NULL DEFAULT '[]',
    body          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    origin        TEXT NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'bundled')),
    ingested_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    retracted_at  TEXT
  );
  CREATE INDEX articles_published ON articles (published_at);
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE search_index (
    name          TEXT PRIMARY KEY,
    store_version INTEGER NOT NULL,
    data          TEXT NOT NULL
  );
  `,
  // Who retracted an article: a user's `remove` is final for the bundled corpus; the corpus's own retraction
  // (a release dropped the file) is undone when a later release brings the file back.
  `
  ALTER TABLE articles ADD COLUMN retracted_by TEXT CHECK (retracted_by IN ('user', 'corpus'));
  UPDATE articles SET retracted_by = 'user' WHERE retracted_at IS NOT NULL;
  `,
  // Per-chat settings of the chat adapters: where answers are allowed.
  `
  CREATE TABLE chat_settings (
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    answers    TEXT NOT NULL DEFAULT 'on' CHECK (answers IN ('on', 'off', 'here')),
    thread_id  TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
  );
  `,
];
