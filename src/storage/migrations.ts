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
  // Moderation: the warnings ledger, each chat's policy, and the audit trail (written in the same transaction).
  `
  CREATE TABLE warnings (
    id             INTEGER PRIMARY KEY,
    platform       TEXT NOT NULL,
    chat_id        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    user_name      TEXT NOT NULL,
    moderator_id   TEXT NOT NULL,
    moderator_name TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    evidence       TEXT,
    created_at     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'escalated', 'reset')),
    closed_at      TEXT,
    closed_by      TEXT
  );
  CREATE INDEX warnings_member ON warnings (platform, chat_id, user_id, status);
  CREATE TABLE warn_policies (
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    max_warns   INTEGER NOT NULL DEFAULT 3,
    action      TEXT NOT NULL DEFAULT 'mute' CHECK (action IN ('mute', 'kick', 'ban')),
    duration_s  INTEGER,
    expiry_s    INTEGER,
    log_chat    TEXT,
    PRIMARY KEY (platform, chat_id)
  );
  CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    target_id   TEXT,
    target_name TEXT,
    what        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
  );
  CREATE INDEX audit_chat ON audit (platform, chat_id, at);
  `,
  // Members the bot has seen in each chat, so a moderator can name one by @username.
  `
  CREATE TABLE members_seen (
    platform  TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    username  TEXT,
    name      TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, user_id)
  );
  CREATE INDEX members_seen_username ON members_seen (platform, chat_id, username COLLATE NOCASE);
  `,
  // The command a warning came from (Telegram chat:message, Discord interaction id): an update delivered twice
  // after a crash must not warn twice.
  `
  ALTER TABLE warnings ADD COLUMN source_key TEXT;
  CREATE UNIQUE INDEX warnings_source ON warnings (platform, chat_id, source_key) WHERE source_key IS NOT NULL;
  `,
  // Whether a warned member hears of it by direct message (Discord), and bans the bot must lift when due.
  `
  ALTER TABLE warn_policies ADD COLUMN dm_member INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE timed_bans (
    platform TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    until    TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, user_id)
  );
  `,
  // Fresh news: feeds to poll, what each item was known by, whether an article is regulation news, other outlets'
  // links to the same story, and the chats subscribed to new regulation articles with what each has been sent.
  `
  ALTER TABLE articles ADD COLUMN guid TEXT;
  ALTER TABLE articles ADD COLUMN author TEXT;
  ALTER TABLE articles ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE articles ADD COLUMN relevant INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE articles ADD COLUMN alternates TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE articles ADD COLUMN feed_id INTEGER;
  CREATE INDEX articles_guid ON articles (guid) WHERE guid IS NOT NULL;
  CREATE INDEX articles_hash ON articles (content_hash);
  CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL UNIQUE,
    name            TEXT,
    title           TEXT,
    etag            TEXT,
    last_modified   TEXT,
    added_at        TEXT NOT NULL,
    polled_at       TEXT,
    status          TEXT,
    ok_at           TEXT,
    new_item_at     TEXT,
    items_added     INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,
    errors_total    INTEGER NOT NULL DEFAULT 0,
    next_poll_at    TEXT,
    disabled_reason TEXT
  );
  CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    thread_id     TEXT,
    query         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    paused_reason TEXT,
    UNIQUE (platform, chat_id, query)
  );
  CREATE TABLE alerts (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    article_id      TEXT NOT NULL,
    queued_at       TEXT NOT NULL,
    sent_at         TEXT,
    PRIMARY KEY (subscription_id, article_id)
  );
  CREATE INDEX alerts_pending ON alerts (sent_at, subscription_id);
  `,
  // Updates received but not yet handled: Telegram's polling confirms a batch when the next one is fetched, which
  // the concurrent runner does before the batch is handled; kept here first, a killed process handles them on start.
  // Handled ones keep only their id for a day (done_at), so a batch Telegram sends again is not handled twice.
  `
  CREATE TABLE update_inbox (
    platform    TEXT NOT NULL,
    update_id   INTEGER NOT NULL,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    done_at     TEXT,
    PRIMARY KEY (platform, update_id)
  );
  `,
  // \`latest\` lists live articles newest first, undated last: walked in that order, the newest few are found
  // without reading and sorting every article (about 100 ms at 100k articles).
  `
  CREATE INDEX articles_latest ON articles (published_at IS NULL, published_at DESC);
  `,
  // Dropped again: articles_published already serves \`latest\` (SQLite sorts NULL before every date, so undated
  // articles come last when descending), and a second index on the date cost ingest at 100k articles about 18 %.
  `
  DROP INDEX IF EXISTS articles_latest;
  `,
];
