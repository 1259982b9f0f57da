import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";
import type { Article } from "./article.js";

/** An article ready to be stored: everything but the timestamps the store sets. */
export interface ArticleRecord extends Omit<Article, "ingestedAt" | "alternates"> {
  readonly identity: string;
  /** The feed it came from (`feeds.id`), so `feeds remove --purge` can retract what a feed brought. */
  readonly feedId?: number | null | undefined;
  /**
   * The body's words, as `wordsOf` lists them, when inference found them: they go with the stored article to the
   * search index (see {@link ChangedArticle}), which would otherwise find them again.
   */
  readonly bodyWords?: Int32Array | undefined;
}

/** An article as a change gives it: with its body's words when its record had them (and it was stored as it was). */
export type ChangedArticle = Article & { readonly bodyWords?: Int32Array };

/** How {@link ArticleStore.upsert} treated one record. */
export type UpsertOutcome = "added" | "updated" | "unchanged";

/** Where an article came from: the user's own ingest, or the corpus bundled with regbot. */
export type ArticleOrigin = "user" | "bundled";

/** Options of {@link ArticleStore.latest}. */
export interface LatestOptions {
  readonly limit: number;
  readonly jurisdictions?: readonly string[] | undefined;
  /** Inclusive `YYYY-MM-DD` bounds on the published date. */
  readonly from?: string | null | undefined;
  readonly to?: string | null | undefined;
  /** Only regulation news (`relevant`). */
  readonly relevantOnly?: boolean | undefined;
}

/** A change to the store, as the search index needs to hear of it. */
export interface StoreChange {
  /** Articles added, or the new versions of updated ones. */
  readonly upserted: readonly ChangedArticle[];
  /** The previous versions of updated articles, and retracted articles. */
  readonly removed: readonly Article[];
  /** The store version before and after this change: an index follows only a change that starts where it stands. */
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** The SQLite article store. All statements are parameterised; writes run in transactions. */
export interface ArticleStore {
  /**
   * Adds or updates articles in one transaction. A user's ingest brings back an article the user retracted; the
   * bundled corpus brings back only what the corpus itself retracted, and never overwrites a user's article.
   */
  upsertMany(records: readonly ArticleRecord[], options: { origin: ArticleOrigin }): { outcomes: UpsertOutcome[]; change: StoreChange };
  get(id: string): Article | undefined;
  /** Every live article, oldest id first. */
  all(): Article[];
  count(): number;
  /** Newest first, optionally only in some jurisdictions (canonical names) and a published-date window. */
  latest(options: LatestOptions): Article[];
  /** Retracts an article for the user: it stays as a tombstone so the bundled corpus does not bring it back. */
  retract(id: string): StoreChange | undefined;
  /** The article known by this feed guid, or with exactly this content (a live one first; `retracted` says which). */
  findDuplicate(guid: string | null, contentHash: string): (Article & { identity: string; retracted: boolean }) | undefined;
  /** Whether the article with this identity was retracted (a feed must not bring back what a user removed). */
  isRetracted(identity: string): boolean;
  /**
   * Ids and titles of live articles published within `days` of `date` (or, without a date, the newest ingested):
   * where another outlet's copy of a story can be, found without loading bodies.
   */
  titlesAround(date: string | null, options?: { days?: number; limit?: number }): Array<{ id: string; title: string }>;
  /** Records another outlet's link to a stored story (once). Returns whether it was new. */
  addAlternate(id: string, url: string): boolean;
  /** Retracts every live article a feed brought. */
  retractFeed(feedId: number): StoreChange;
  /** Retracts bundled articles whose identity is not in `keep` (the bundled corpus dropped them). */
  retractBundledExcept(keep: ReadonlySet<string>): StoreChange;
  /** How many live articles, the newest published date, and the sources, most articles first. */
  stats(): { count: number; newest: string | null; sources: string[] };
  /** Canonical names of every jurisdiction some live article has. */
  jurisdictions(): string[];
  /** Grows by one with every write; the search index records the version it reflects. */
  version(): number;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  readonly db: Db;
  readonly file: string;
}

interface Row {
  id: string;
  identity: string;
  title: string;
  url: string | null;
  source: string | null;
  published_at: string | null;
  jurisdictions: string;
  topics: string;
  body: string;
  content_hash: string;
  origin: string;
  ingested_at: string;
  retracted_at: string | null;
  retracted_by: "user" | "corpus" | null;
  guid: string | null;
  author: string | null;
  categories: string;
  relevant: number;
  alternates: string;
  feed_id: number | null;
}

/** The columns an article is read from. */
type ArticleColumns = Pick<
  Row,
  "id" | "title" | "url" | "source" | "published_at" | "jurisdictions" | "topics" | "body" | "content_hash" | "ingested_at" | "guid" | "author" | "categories" | "relevant" | "alternates"
>;

const toArticle = (row: ArticleColumns): Article => ({
  id: row.id,
  title: row.title,
  url: row.url,
  source: row.source,
  publishedAt: row.published_at,
  jurisdictions: JSON.parse(row.jurisdictions) as string[],
  topics: JSON.parse(row.topics) as string[],
  body: row.body,
  contentHash: row.content_hash,
  ingestedAt: row.ingested_at,
  guid: row.guid,
  author: row.author,
  categories: JSON.parse(row.categories) as string[],
  relevant: row.relevant === 1,
  alternates: JSON.parse(row.alternates) as string[],
});

/**
 * Whether SQLite gives back exactly the record's text. It stores strings as UTF-8, so a lone surrogate (half of
 * an emoji cut off) comes back as U+FFFD characters; anything but a string or null would come back converted.
 */
function storesAsIs(record: ArticleRecord): boolean {
  return (
    isText(record.id) && isText(record.title) && isText(record.body) && isText(record.contentHash) && isTextOrNull(record.url) &&
    isTextOrNull(record.source) && isTextOrNull(record.publishedAt) && isTextOrNull(record.guid) && isTextOrNull(record.author)
  );
}

function isText(value: unknown): boolean {
  return typeof value === "string" && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

function isTextOrNull(value: unknown): boolean {
  return value === null || isText(value);
}

/**
 * The order of `latest`: newest first, undated last (SQLite sorts NULL before every date, so descending puts it
 * last). The articles_published index serves it read backwards, so the newest few are found without a sort.
 */
const LATEST_ORDER = "ORDER BY published_at DESC, rowid DESC";
const LATEST_WHERE = `retracted_at IS NULL
       AND (@from IS NULL OR published_at >= @from)
       AND (@to IS NULL OR published_at <= @to)
       AND (@relevantOnly = 0 OR relevant = 1)`;
/** The statement of `latest` in no particular jurisdiction (exported for a test of its query plan). */
export const LATEST_SQL = `SELECT * FROM articles WHERE ${LATEST_WHERE} ${LATEST_ORDER} LIMIT @limit`;

/** Creates the store over an open, migrated database. `now` gives timestamps (a clock, for tests). */
export function createArticleStore(db: Db, options: { file: string; now?: () => Date }): ArticleStore {
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const guard = sqliteGuard(options.file);
  const byIdentity = db.prepare<[string], Row>("SELECT * FROM articles WHERE identity = ?");
  // Named parameters from one row object per article, which `toArticle` then reads the new article from.
  const insert = db.prepare<[ArticleColumns & { identity: string; origin: ArticleOrigin; feed_id: number | null }]>(
    `INSERT INTO articles (id, identity, title, url, source, published_at, jurisdictions, topics, body, content_hash, origin, ingested_at, updated_at,
       guid, author, categories, relevant, feed_id)
     VALUES (@id, @identity, @title, @url, @source, @published_at, @jurisdictions, @topics, @body, @content_hash, @origin, @ingested_at,
       @ingested_at, @guid, @author, @categories, @relevant, @feed_id)`,
  );
  const update = db.prepare(
    `UPDATE articles SET title = @title, url = @url, source = @source, published_at = @publishedAt, jurisdictions = @jurisdictions,
       topics = @topics, body = @body, content_hash = @contentHash, updated_at = @now, retracted_at = NULL,
       guid = coalesce(@guid, guid), author = @author, categories = @categories, relevant = @relevant, feed_id = coalesce(feed_id, @feedId),
       origin = CASE WHEN @origin = 'user' THEN 'user' ELSE origin END WHERE identity = @identity`,
  );
  const getById = db.prepare<[string], Row>("SELECT * FROM articles WHERE id = ? AND retracted_at IS NULL");
  const allRows = db.prepare<[], Row>("SELECT * FROM articles WHERE retracted_at IS NULL ORDER BY rowid");
  const countRows = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM articles WHERE retracted_at IS NULL");
  type LatestParams = { limit: number; from: string | null; to: string | null; relevantOnly: number };
  // Along the articles_published index, backwards: the first few that pass are the answer.
  const latestRows = db.prepare<LatestParams, Row>(LATEST_SQL);
  // Not along that index: for a jurisdiction few articles name, it would look up nearly every article one by one
  // (about 400 ms at 100k); reading them in a scan and sorting costs about 100 ms whatever the jurisdiction.
  const latestInRows = db.prepare<LatestParams & { jurisdictions: string }, Row>(
    `SELECT * FROM articles NOT INDEXED WHERE ${LATEST_WHERE}
       AND EXISTS (SELECT 1 FROM json_each(articles.jurisdictions) AS j WHERE j.value IN (SELECT value FROM json_each(@jurisdictions)))
     ${LATEST_ORDER} LIMIT @limit`,
  );
  const retractOne = db.prepare<[string, string, string]>(
    "UPDATE articles SET retracted_at = ?, retracted_by = ?, body = '', title = '[retracted]' WHERE id = ? AND retracted_at IS NULL",
  );
  // Live articles first; a retracted one still matches, so a feed cannot bring back what the user removed.
  const byGuid = db.prepare<[string], Row>("SELECT * FROM articles WHERE guid = ? ORDER BY retracted_at IS NOT NULL LIMIT 1");
  const byHash = db.prepare<[string], Row>("SELECT * FROM articles WHERE content_hash = ? ORDER BY retracted_at IS NOT NULL LIMIT 1");
  const titlesNear = db.prepare<[string, string, string, string, number], { id: string; title: string }>(
    "SELECT id, title FROM articles WHERE retracted_at IS NULL AND published_at BETWEEN date(?, ?) AND date(?, ?) ORDER BY published_at DESC LIMIT ?",
  );
  const titlesNewest = db.prepare<[number], { id: string; title: string }>("SELECT id, title FROM articles WHERE retracted_at IS NULL ORDER BY rowid DESC LIMIT ?");
  const setAlternates = db.prepare<[string, string]>("UPDATE articles SET alternates = ? WHERE id = ?");
  const feedLive = db.prepare<[number], Row>("SELECT * FROM articles WHERE feed_id = ? AND retracted_at IS NULL");
  const bundledLive = db.prepare<[], Row>("SELECT * FROM articles WHERE origin = 'bundled' AND retracted_at IS NULL");
  const jurisdictionRows = db.prepare<[], { value: string }>(
    "SELECT DISTINCT j.value AS value FROM articles, json_each(articles.jurisdictions) AS j WHERE articles.retracted_at IS NULL ORDER BY j.value",
  );
  const newestRow = db.prepare<[], { newest: string | null }>("SELECT max(published_at) AS newest FROM articles WHERE retracted_at IS NULL");
  const sourceRows = db.prepare<[], { source: string }>(
    "SELECT source FROM articles WHERE retracted_at IS NULL AND source IS NOT NULL GROUP BY source ORDER BY count(*) DESC, source LIMIT 20",
  );
  const metaGet = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
  const metaSet = db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const readVersion = () => Number(metaGet.get("store_version")?.value ?? 0);
  /** Records a write (inside its transaction) and describes it for the index. */
  const describe = (upserted: ChangedArticle[], removed: Article[]): StoreChange => {
    const fromVersion = readVersion();
    if (upserted.length === 0 && removed.length === 0) return { upserted, removed, fromVersion, toVersion: fromVersion };
    metaSet.run("store_version", String(fromVersion + 1));
    return { upserted, removed, fromVersion, toVersion: fromVersion + 1 };
  };

  const upsertTx = db.transaction((records: readonly ArticleRecord[], origin: ArticleOrigin) => {
    const outcomes: UpsertOutcome[] = [];
    const upserted: ChangedArticle[] = [];
    const removed: Article[] = [];
    const stamp = now();
    /** The stored article, with the record's body words when the store kept its body as it was. */
    const withWords = (article: Article, record: ArticleRecord, asIs: boolean): ChangedArticle =>
      asIs && record.bodyWords ? { ...article, bodyWords: record.bodyWords } : article;
    for (const record of records) {
      const jurisdictions = JSON.stringify(record.jurisdictions);
      const topics = JSON.stringify(record.topics);
      const categories = JSON.stringify(record.categories);
      const relevant = record.relevant ? 1 : 0;
      const existing = byIdentity.get(record.identity);
      if (!existing) {
        // One row object: the insert's parameters, and the article as it will be read back.
        const row = {
          id: record.id, identity: record.identity, title: record.title, url: record.url ?? null, source: record.source ?? null,
          published_at: record.publishedAt ?? null, jurisdictions, topics, body: record.body, content_hash: record.contentHash, origin,
          ingested_at: stamp, guid: record.guid ?? null, author: record.author ?? null, categories, relevant, alternates: "[]", feed_id: record.feedId ?? null,
        };
        insert.run(row);
        outcomes.push("added");
        // The new row is what was just written: read it back only when SQLite may have stored something else.
        const asIs = storesAsIs(record);
        upserted.push(withWords(toArticle(asIs ? row : byIdentity.get(record.identity)!), record, asIs));
        continue;
      } else if (existing.retracted_at && origin === "bundled" && existing.retracted_by !== "corpus") {
        outcomes.push("unchanged");
        continue;
      } else if (!existing.retracted_at && origin === "bundled" && existing.origin === "user") {
        outcomes.push("unchanged");
        continue;
      } else if (
        !existing.retracted_at &&
        existing.content_hash === record.contentHash &&
        existing.title === record.title &&
        existing.source === record.source &&
        existing.published_at === record.publishedAt &&
        existing.url === record.url &&
        existing.jurisdictions === jurisdictions &&
        existing.topics === topics &&
        existing.author === record.author &&
        existing.categories === categories &&
        existing.relevant === relevant &&
        (record.guid === null || existing.guid === record.guid)
      ) {
        outcomes.push("unchanged");
        continue;
      } else {
        update.run({ ...record, jurisdictions, topics, categories, relevant, feedId: record.feedId ?? null, origin, now: stamp });
        outcomes.push(existing.retracted_at ? "added" : "updated");
        if (!existing.retracted_at) removed.push(toArticle(existing));
      }
      upserted.push(withWords(toArticle(byIdentity.get(record.identity)!), record, storesAsIs(record)));
    }
    return { outcomes, change: describe(upserted, removed) };
  });

  return {
    db,
    file: options.file,
    upsertMany: (records, { origin }) => guard(() => upsertTx(records, origin)),
    get: (id) => guard(() => {
      const row = getById.get(id);
      return row ? toArticle(row) : undefined;
    }),
    all: () => guard(() => allRows.all().map(toArticle)),
    count: () => guard(() => countRows.get()!.n),
    latest: ({ limit, jurisdictions, from, to, relevantOnly }) =>
      guard(() => {
        const params = { limit, from: from ?? null, to: to ?? null, relevantOnly: relevantOnly ? 1 : 0 };
        const rows = jurisdictions?.length ? latestInRows.all({ ...params, jurisdictions: JSON.stringify(jurisdictions) }) : latestRows.all(params);
        return rows.map(toArticle);
      }),
    retract: (id) =>
      guard(() =>
        db.transaction(() => {
          const row = getById.get(id);
          if (!row) return undefined;
          retractOne.run(now(), "user", id);
          return describe([], [toArticle(row)]);
        })(),
      ),
    findDuplicate: (guid, hash) =>
      guard(() => {
        const row = (guid ? byGuid.get(guid) : undefined) ?? byHash.get(hash);
        return row ? { ...toArticle(row), identity: row.identity, retracted: row.retracted_at !== null } : undefined;
      }),
    titlesAround: (date, { days = 3, limit = 2000 } = {}) =>
      guard(() => (date ? titlesNear.all(date, `-${days} days`, date, `+${days} days`, limit) : titlesNewest.all(limit))),
    isRetracted: (identity) => guard(() => Boolean(byIdentity.get(identity)?.retracted_at)),
    addAlternate: (id, url) =>
      guard(() => {
        const row = getById.get(id);
        if (!row) return false;
        const alternates = JSON.parse(row.alternates) as string[];
        if (row.url === url || alternates.includes(url)) return false;
        setAlternates.run(JSON.stringify([...alternates, url]), id);
        return true;
      }),
    retractFeed: (feedId) =>
      guard(() =>
        db.transaction(() => {
          const gone = feedLive.all(feedId);
          const stamp = now();
          for (const row of gone) retractOne.run(stamp, "user", row.id);
          return describe([], gone.map(toArticle));
        })(),
      ),
    retractBundledExcept: (keep) =>
      guard(() =>
        db.transaction(() => {
          const gone = bundledLive.all().filter((r) => !keep.has(r.identity));
          const stamp = now();
          for (const row of gone) retractOne.run(stamp, "corpus", row.id);
          return describe([], gone.map(toArticle));
        })(),
      ),
    jurisdictions: () => guard(() => jurisdictionRows.all().map((r) => r.value)),
    stats: () => guard(() => ({ count: countRows.get()!.n, newest: newestRow.get()?.newest ?? null, sources: sourceRows.all().map((r) => r.source) })),
    version: () => guard(readVersion),
    getMeta: (key) => guard(() => metaGet.get(key)?.value),
    setMeta: (key, value) => guard(() => void metaSet.run(key, value)),
  };
}
