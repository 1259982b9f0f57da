import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import type { Article } from "./articles/article.js";
import { ingestPaths, ARTICLE_EXTENSIONS, type IngestReport } from "./articles/ingest.js";
import { jurisdictionByName } from "./articles/jurisdictions.js";
import type { ArticleStore, StoreChange } from "./articles/store.js";
import { createChatSettingsStore, type ChatSettingsStore } from "./chats/chat-settings.js";
import { createUpdateInbox, type UpdateInbox } from "./chats/update-inbox.js";
import type { ArticleDraft } from "./articles/article.js";
import { queueAlerts } from "./alerts/dispatch.js";
import { createSubscriptionStore, type SubscriptionStore } from "./alerts/subscriptions.js";
import { createFeedStore, type Feed, type FeedStore } from "./feeds/feed-store.js";
import { storeFeedItems, type FeedItemsReport } from "./feeds/store-items.js";
import { quoteInput, RegbotError } from "./errors.js";
import { createWarningLedger, type WarningLedger } from "./moderation/ledger.js";
import { createMembersSeen, type MembersSeen } from "./moderation/members-seen.js";
import { createPrivacy, type Privacy } from "./moderation/privacy.js";
import { silentLogger, type Logger } from "./logger.js";
import { createArticleIndex, type ArticleIndex } from "./search/article-index.js";
import { answerQuestion, summarize, type Answer, type ArticleSummary } from "./search/answer.js";
import { startBackgroundIndex, type BackgroundIndex, type BackgroundIndexOptions } from "./search/background-index.js";
import { savedIndexes } from "./search/saved-index.js";

/** What {@link createCore} needs. Only the composition root wires real ones together. */
export interface CoreDeps {
  readonly store: ArticleStore;
  /** Folder of the bundled corpus (`data/articles`); used to seed an empty store. */
  readonly bundledDir?: string;
  readonly now?: () => Date;
  /** Most citations in one answer. Default 3. */
  readonly maxCitations?: number;
  readonly logger?: Logger;
  /** The database was opened read-only: the index is built in memory and never saved. */
  readonly readonly?: boolean;
  /**
   * An ingest of at least this many bytes of files builds the search index in a worker thread, beside the parsing
   * and storing, when it brings about as many articles as the index holds already. Default 8 MiB.
   */
  readonly indexInWorkerFromBytes?: number;
  /** How that worker is started and waited for (see {@link BackgroundIndexOptions}); the defaults in use. */
  readonly indexWorker?: BackgroundIndexOptions;
}

/** See {@link CoreDeps.indexInWorkerFromBytes}: smaller ingests are quicker without starting a worker. */
export const INDEX_IN_WORKER_FROM_BYTES = 8 * 1024 * 1024;
/** Bytes of input per article, roughly, for guessing how many articles an ingest brings. */
const BYTES_PER_ARTICLE = 3000;

/** Longest question the bot takes, in characters. */
export const MAX_QUESTION_LENGTH = 1000;

/** The one object adapters call: questions in, cited answers out; articles in and out of the store. */
export interface Core {
  /**
   * Answers a question with cited snippets. Throws a `BAD_INPUT` {@link RegbotError} for empty or oversized
   * questions. `maxCitations` overrides the configured number (a "More" button asks for the next ones).
   */
  ask(question: string, options?: { maxCitations?: number }): Answer;
  /** True when the next question is answered from an index already in memory (no load or build first). */
  searchReady(): boolean;
  /** What the store holds: article count, newest published date, sources (most articles first). */
  about(): { articles: number; newest: string | null; sources: string[]; jurisdictions: string[] };
  /** Per-chat settings of the chat adapters. */
  readonly chats: ChatSettingsStore;
  /** Updates received and not yet handled, so a killed process handles them when it starts again. */
  readonly inbox: UpdateInbox;
  /** Moderation: the warnings ledger, policies and audit trail, the members seen in each chat, and erasing them. */
  readonly moderation: { readonly ledger: WarningLedger; readonly members: MembersSeen; readonly privacy: Privacy };
  /**
   * Newest regulation news, optionally in one jurisdiction (any name, demonym or alias: "britain", "HK");
   * `all` includes the other stories feeds bring (prices, hacks).
   */
  latest(options?: { jurisdiction?: string | undefined; limit?: number; all?: boolean }): ArticleSummary[];
  /** One article by id. Throws `NOT_FOUND`. */
  article(id: string): Article;
  /**
   * Ingests files and folders; the index follows. `onProgress` is told of each file; `onIndexing`, once every
   * file is stored, when the search index is being finished and saved (seconds after a large ingest); not when
   * the ingest changed nothing.
   */
  ingest(paths: readonly string[], options?: { onProgress?: (done: number, total: number) => void; onIndexing?: () => void }): IngestReport;
  /** Retracts an article from the store and the index. Throws `NOT_FOUND`. */
  remove(id: string): ArticleSummary;
  /** Seeds an empty store from the bundled corpus, or brings a store seeded earlier up to a newer corpus. */
  ensureCorpus(): { seeded: boolean; report?: IngestReport };
  /** How many live articles there are. */
  count(): number;
  /** The feeds to poll. */
  readonly feeds: FeedStore;
  /**
   * Stores a polled feed's items, each story once (by guid, normalised URL, text, or as another outlet's copy of a
   * stored story); the index follows, and new regulation articles are queued for the chats subscribed to them.
   */
  storeFeedItems(feed: Feed | null, items: readonly ArticleDraft[], source?: string | null): FeedItemsReport;
  /** Retracts every article a feed brought (`feeds remove --purge`); returns how many. */
  retractFeed(feedId: number): number;
  /** Chats' subscriptions to new regulation articles, and the alerts queued for them. */
  readonly subscriptions: SubscriptionStore;
  /**
   * Moves everything kept per chat to its new id, in one transaction: answer settings, warnings, policy and audit,
   * members seen, subscriptions (a Telegram group upgraded to a supergroup gets a new id).
   */
  moveChat(platform: string, fromId: string, toId: string): void;
}

/** Creates the core over a store. The search index is loaded (or built) on first use and kept in step. */
export function createCore(deps: CoreDeps): Core {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  let index: ArticleIndex | undefined;
  let indexVersion = -1;
  /** While a large ingest runs: the index being built in a worker, which changes go to instead of `index`. */
  let background: BackgroundIndex | undefined;
  /** The worker of the running ingest stopped part-way: the index is built here when the ingest is done. */
  let workerStopped = false;
  let covered: Set<string> | undefined;
  let chats: ChatSettingsStore | undefined;
  let moderation: Core["moderation"] | undefined;
  let feeds: FeedStore | undefined;
  let inbox: UpdateInbox | undefined;
  let subscriptions: SubscriptionStore | undefined;

  const savedIndex = savedIndexes(store.db, store.file);

  /** The saved index, when it reflects the store as it is now (and was written by this version). */
  const loadSaved = (): ArticleIndex | undefined => {
    const version = store.version();
    const started = performance.now();
    try {
      const saved = savedIndex.load(version);
      if (!saved) return undefined;
      const loaded = createArticleIndex(saved);
      indexVersion = version;
      logger.debug({ articles: loaded.size, ms: Math.round(performance.now() - started) }, "search index loaded");
      return loaded;
    } catch (error) {
      // Expected after an upgrade that changes how text is analysed; the index is a cache and is rebuilt.
      logger.info({ reason: error instanceof Error ? error.message : String(error) }, "the saved search index cannot be used; rebuilding it");
      return undefined;
    }
  };

  /** The index, current with the store (another process may have written to it since). */
  const currentIndex = (): ArticleIndex => {
    if (index && indexVersion === store.version()) return index;
    covered = undefined;
    index = loadSaved();
    if (index) return index;
    const started = performance.now();
    // Read the articles and the version they are at in one snapshot, so a concurrent writer cannot slip between.
    const { articles, version } = store.db.transaction(() => ({ articles: store.all(), version: store.version() }))();
    index = createArticleIndex();
    index.add(articles);
    indexVersion = version;
    save();
    logger.info({ articles: index.size, ms: Math.round(performance.now() - started) }, "search index built");
    return index;
  };

  /** Saves the index (or `bytes`, the index already encoded); false when it could not. */
  const save = (bytes?: Uint8Array): boolean => {
    if (!index || deps.readonly) return false;
    try {
      savedIndex.save(indexVersion, bytes ?? index.toBytes());
      return true;
    } catch (error) {
      // The saved index is only a cache: a read-only or full disk costs a rebuild at the next start, nothing more.
      logger.warn({ err: error }, "the search index could not be saved; it will be rebuilt at the next start");
      return false;
    }
  };

  /** Applies a store change to the index when the index stands where the change began; otherwise drops it to be rebuilt. */
  const follow = (change: StoreChange | undefined) => {
    covered = undefined;
    if (!change || change.toVersion === change.fromVersion || !index) return;
    if (indexVersion !== change.fromVersion) {
      index = undefined;
      background?.abort();
      background = undefined;
      return;
    }
    if (background) {
      try {
        background.apply(change.removed, change.upserted);
      } catch (error) {
        // The ingest goes on without the worker; the index is built here once it is done (see `writing`).
        logger.warn({ err: error }, "the search index worker stopped; the index will be built here after the ingest");
        background.abort();
        background = undefined;
        index = undefined;
        workerStopped = true;
        return;
      }
    } else {
      index.remove(change.removed);
      index.add(change.upserted);
    }
    indexVersion = change.toVersion;
  };

  /** Moves index work to a worker for an ingest of `bytes` of files, when that many articles make it worth it. */
  const considerBackground = (bytes: number) => {
    if (!index || background || deps.readonly || bytes < (deps.indexInWorkerFromBytes ?? INDEX_IN_WORKER_FROM_BYTES)) return;
    // The worker starts from the index as it is: worth it only when the ingest brings about as much again.
    if (bytes / BYTES_PER_ARTICLE < index.size) return;
    try {
      background = startBackgroundIndex(index.size > 0 ? index.toBytes() : undefined, deps.indexWorker);
    } catch (error) {
      logger.warn({ err: error }, "the search index cannot be built in a worker; building it here");
    }
  };

  /** Takes the index back from the worker; when that fails, builds it here, so the ingest still leaves it saved. */
  const finishBackground = () => {
    const building = background!;
    background = undefined;
    const started = performance.now();
    try {
      const bytes = building.finish();
      // Saved, it is loaded when next needed, as a new process would load it: `regbot ingest` exits before that.
      if (save(bytes)) index = undefined;
      else index = createArticleIndex(bytes);
      logger.info({ bytes: bytes.length, waitedMs: Math.round(performance.now() - started) }, "search index built in a worker");
    } catch (error) {
      logger.warn({ err: error }, "the search index could not be built in a worker; building it here");
      index = undefined;
      currentIndex();
    }
  };

  /** Runs writes with the index following them, and saves it once at the end (telling `onIndexing` first). */
  const writing = <T>(work: () => T, onIndexing?: () => void): T => {
    // Bring the index up first (loaded, or built: instantly for an empty store), so that the writes update it and
    // it is saved with them; otherwise the first question after a large ingest would wait for a whole build.
    currentIndex();
    const before = indexVersion;
    workerStopped = false;
    let result: T;
    try {
      result = work();
    } catch (error) {
      if (background) {
        // What was committed before the failure is in the store; the index is rebuilt from it when next needed.
        background.abort();
        background = undefined;
        index = undefined;
      }
      throw error;
    }
    const changed = indexVersion !== before;
    if ((changed && (background || index)) || workerStopped) {
      try {
        onIndexing?.();
      } catch (error) {
        background?.abort();
        background = undefined;
        index = undefined;
        throw error;
      }
    }
    if (background && !changed) {
      // Nothing changed (the same files again): the index in memory is still the saved one.
      background.abort();
      background = undefined;
    } else if (background) finishBackground();
    // The whole index is rewritten when saved: only when this work changed it (a poll with nothing new does not).
    else if (index && changed) save();
    // A worker that stopped part-way left no index: built now, so the ingest still leaves one saved.
    if (workerStopped) currentIndex();
    return result;
  };

  const ingest = (paths: readonly string[], origin: "user" | "bundled", onProgress?: (done: number, total: number) => void) =>
    ingestPaths(store, paths, {
      origin,
      onFiles: (_files, bytes) => considerBackground(bytes),
      onChange: follow,
      storeFeedItems: (drafts) => storeFeedItems(store, drafts, { onChange: follow }),
      ...(origin === "bundled" && deps.bundledDir ? { bundledRoot: deps.bundledDir } : {}),
      ...(onProgress ? { onProgress } : {}),
    });

  /** Queues new articles for subscribed chats. Alerts are a side matter: a failure here never fails the ingest. */
  const alertNew = (ids: readonly string[]) => {
    if (ids.length === 0 || deps.readonly) return;
    try {
      const subs = core.subscriptions;
      // Without a subscription there is nothing to match: a large ingest does not read back every article it added.
      if (subs.active().length === 0) return;
      const articles = ids.map((id) => store.get(id)).filter((a): a is Article => a !== undefined);
      const queued = queueAlerts(subs, articles, now());
      if (queued) logger.info({ queued }, "alerts queued");
    } catch (error) {
      logger.warn({ err: error }, "new articles could not be queued for alerts");
    }
  };


  const core: Core = {
    searchReady: () => index !== undefined && indexVersion === store.version(),
    ask(question, options = {}) {
      const text = question.trim();
      if (!text) throw new RegbotError("BAD_INPUT", "Ask a question, e.g. “is crypto trading banned in China?”");
      if (text.length > MAX_QUESTION_LENGTH) {
        throw new RegbotError("BAD_INPUT", `That question is ${text.length.toLocaleString("en")} characters long; ask in at most ${MAX_QUESTION_LENGTH} characters.`);
      }
      const idx = currentIndex();
      return answerQuestion(
        {
          index: idx,
          getArticle: (id) => store.get(id),
          coveredJurisdictions: () => (covered ??= new Set(store.jurisdictions())),
          now,
        },
        text,
        { maxCitations: options.maxCitations ?? deps.maxCitations ?? 3 },
      );
    },
    latest(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 5, 50));
      const relevantOnly = !options.all;
      if (!options.jurisdiction) return store.latest({ limit, relevantOnly }).map(summarize);
      const j = jurisdictionByName(options.jurisdiction);
      if (!j) throw new RegbotError("BAD_INPUT", `Unknown jurisdiction “${quoteInput(options.jurisdiction)}”. Try a country or bloc name, e.g. “EU”, “Hong Kong”, “United States”.`);
      return store.latest({ limit, jurisdictions: [j.name], relevantOnly }).map(summarize);
    },
    article(id) {
      const article = /^[0-9a-f]{1,16}$/i.test(id.trim()) ? store.get(id.trim().toLowerCase()) : undefined;
      if (!article) throw new RegbotError("NOT_FOUND", `No article with id “${quoteInput(id)}”. Each citation and /latest show the id (as “id 1a2b3c4d5e”).`);
      return article;
    },
    ingest: (paths, options = {}) =>
      writing(() => {
        const { identities: _identities, addedIds, ...report } = ingest(paths, "user", options.onProgress);
        alertNew(addedIds);
        return report;
      }, options.onIndexing),
    remove(id) {
      const article = core.article(id);
      writing(() => follow(store.retract(article.id)));
      return summarize(article);
    },
    ensureCorpus() {
      if (!deps.bundledDir) return { seeded: false };
      const version = corpusVersion(deps.bundledDir);
      const seededWith = store.getMeta("corpus_version");
      if (store.count() > 0 && (seededWith === undefined || seededWith === version)) return { seeded: false };
      const bundledDir = deps.bundledDir;
      const report = writing(() => {
        const { identities, addedIds: _addedIds, ...result } = ingest([bundledDir], "bundled");
        if (seededWith !== undefined) follow(store.retractBundledExcept(identities));
        return result;
      });
      store.setMeta("corpus_version", version);
      logger.info({ added: report.added, updated: report.updated, rejected: report.rejected.length }, "bundled corpus stored");
      for (const r of report.rejected) logger.warn({ path: r.path, reason: r.reason }, "a bundled article was rejected");
      return { seeded: true, report };
    },
    count: () => store.count(),
    storeFeedItems(feed, items, source) {
      const drafts = source ? items.map((item) => ({ ...item, source })) : items;
      const report = writing(() => storeFeedItems(store, drafts, { feedId: feed?.id ?? null, onChange: follow }));
      alertNew(report.addedIds);
      return report;
    },
    retractFeed(feedId) {
      const change = writing(() => {
        const c = store.retractFeed(feedId);
        follow(c);
        return c;
      });
      return change.removed.length;
    },
    get feeds() {
      return (feeds ??= createFeedStore(store.db, { file: store.file, ...(deps.now ? { now: deps.now } : {}) }));
    },
    moveChat(platform, fromId, toId) {
      store.db.transaction(() => {
        core.chats.move(platform, fromId, toId);
        core.moderation.ledger.moveChat(platform, fromId, toId);
        core.moderation.members.moveChat(platform, fromId, toId);
        core.subscriptions.move(platform, fromId, toId);
      })();
    },
    get subscriptions() {
      return (subscriptions ??= createSubscriptionStore(store.db, { file: store.file, ...(deps.now ? { now: deps.now } : {}) }));
    },
    about() {
      const { count, newest, sources } = store.stats();
      return { articles: count, newest, sources, jurisdictions: store.jurisdictions() };
    },
    // Made on first use: a read-only database of an older schema still answers questions.
    get inbox() {
      return (inbox ??= createUpdateInbox(store.db, { file: store.file }));
    },
    get chats() {
      return (chats ??= createChatSettingsStore(store.db, { file: store.file }));
    },
    get moderation() {
      return (moderation ??= {
        ledger: createWarningLedger(store.db, { file: store.file, ...(deps.now ? { now: deps.now } : {}) }),
        members: createMembersSeen(store.db, { file: store.file }),
        privacy: createPrivacy(store.db, { file: store.file, ...(deps.now ? { now: deps.now } : {}) }),
      });
    },
  };
  return core;
}

const INGEST_VERSION = 1;

/** A fingerprint of the bundled corpus: file names and contents. A new release with changed articles gets a new one. */
export function corpusVersion(dir: string): string {
  // Raise INGEST_VERSION when ingestion reads files differently, so stores seeded earlier are read again.
  const hash = createHash("sha256").update(`ingest-${INGEST_VERSION}\0`);
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if ((ARTICLE_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase())) {
        hash.update(path.relative(dir, full)).update("\0").update(fs.readFileSync(full)).update("\0");
      }
    }
  };
  try {
    walk(dir);
  } catch (error) {
    throw new RegbotError("IO", `Cannot read the bundled articles in ${dir}: ${(error as Error).message}. Reinstall regbot or check the folder.`, { cause: error });
  }
  return hash.digest("hex").slice(0, 16);
}
