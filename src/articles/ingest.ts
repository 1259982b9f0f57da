import fs from "node:fs";
import path from "node:path";
import type { ArticleDraft } from "./article.js";
import { articleId, articleIdentity, contentHash, normalizeUrl } from "./article.js";
import { canonicalJurisdictions, inferJurisdictions, inferTopicsAndRelevance } from "./infer.js";
import { parseJsonArticles } from "./parse-json.js";
import { wordsOf } from "./words.js";
import { parseMarkdown } from "./parse-markdown.js";
import { parseScrapedText } from "./parse-scraped-text.js";
import { parseHtmlPage } from "./parse-html.js";
import { parseFeedDocument } from "../feeds/parse-feed.js";
import type { ArticleOrigin, ArticleRecord, ArticleStore, StoreChange } from "./store.js";

/** What an ingest run did. The JSON form of `regbot ingest --json` is exactly this object. */
export interface IngestReport {
  added: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ path: string; reason: string }>;
}

/** File endings ingestion understands, each with its parser. */
export const ARTICLE_EXTENSIONS = [".txt", ".md", ".markdown", ".json", ".html", ".htm", ".xml", ".rss", ".atom"] as const;

/** Endings of feed files: every item becomes an article. */
const FEED_EXTENSIONS = new Set([".xml", ".rss", ".atom"]);

/** Files larger than this are refused rather than read into memory. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Articles stored per transaction. The first batches are smaller (see `FIRST_BATCH`). */
const BATCH = 500;
/**
 * The first transaction's size; each next one doubles, up to {@link BATCH}. What follows the store (the search
 * index, in a worker for a large ingest) gets its first articles while the rest are still being read.
 */
const FIRST_BATCH = 25;

/** Options of {@link ingestPaths}. */
export interface IngestOptions {
  readonly origin?: ArticleOrigin;
  /**
   * For the bundled corpus: its folder. Bundled articles are then known by their file (and place in it), not
   * their text, so an edited article in a new release updates the stored one, and a removal stays removed.
   */
  readonly bundledRoot?: string;
  /** Called once the files are found, before any is read: how many there are and their total size in bytes. */
  readonly onFiles?: (files: number, bytes: number) => void;
  /** Called after each file with how many files are done and how many there are. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with every committed batch, so the search index can follow. */
  readonly onChange?: (change: StoreChange) => void;
  /**
   * Stores the items of one feed file the way polled feeds are stored (each story once: by guid, URL, text, or
   * as another outlet's copy); without it, feed items are stored like any other article.
   */
  readonly storeFeedItems?: (drafts: readonly ArticleDraft[]) => { added: number; updated: number; unchanged: number; merged: number; addedIds: readonly string[] };
}

/**
 * Ingests files and folders (recursively) into the store. One bad file never stops the rest; every rejected
 * input is reported with its path and the reason. Idempotent: the same input again changes nothing.
 */
export function ingestPaths(store: ArticleStore, inputs: readonly string[], options: IngestOptions = {}): IngestReport & { identities: Set<string>; addedIds: string[] } {
  const report: IngestReport = { added: 0, updated: 0, unchanged: 0, rejected: [] };
  const addedIds: string[] = [];
  const identities = new Set<string>();
  const seen = new Map<string, { path: string; hash: string }>();
  const files: string[] = [];
  const sizes: number[] = [];
  const visited = new Set<string>();
  for (const input of inputs) collectFiles(input, { files, sizes }, report, true, visited);
  options.onFiles?.(files.length, sizes.reduce((sum, size) => sum + size, 0));

  let pending: ArticleRecord[] = [];
  let batch = FIRST_BATCH;
  const flush = () => {
    if (pending.length === 0) return;
    const { outcomes, change } = store.upsertMany(pending, { origin: options.origin ?? "user" });
    outcomes.forEach((outcome, i) => {
      report[outcome]++;
      if (outcome === "added") addedIds.push(pending[i]!.id);
    });
    if (change.toVersion !== change.fromVersion) options.onChange?.(change);
    pending = [];
  };

  files.forEach((file, index) => {
    const feedDrafts: ArticleDraft[] = [];
    parseFile(file).forEach((item, n) => {
      if ("error" in item) {
        report.rejected.push({ path: item.path, reason: item.error });
        return;
      }
      if (item.fromFeed && options.storeFeedItems) {
        feedDrafts.push(item.draft);
        return;
      }
      const bundled = options.bundledRoot ? `bundled:${path.relative(options.bundledRoot, file).split(path.sep).join("/")}#${n + 1}` : undefined;
      const record = toRecord(item.draft, bundled);
      const first = seen.get(record.identity);
      if (first) {
        if (first.hash === record.contentHash) report.unchanged++;
        else report.rejected.push({ path: item.path, reason: `same URL as ${first.path} earlier in this run, with different text; the first was kept` });
        return;
      }
      seen.set(record.identity, { path: item.path, hash: record.contentHash });
      identities.add(record.identity);
      pending.push(record);
      if (pending.length >= batch) {
        flush();
        batch = Math.min(BATCH, batch * 2);
      }
    });
    if (feedDrafts.length > 0) {
      flush();
      const stored = options.storeFeedItems!(feedDrafts);
      report.added += stored.added;
      report.updated += stored.updated;
      report.unchanged += stored.unchanged + stored.merged;
      addedIds.push(...stored.addedIds);
    }
    options.onProgress?.(index + 1, files.length);
  });
  flush();
  return { ...report, identities, addedIds };
}

/** Files found so far, each with its size in bytes. */
interface FoundFiles {
  readonly files: string[];
  readonly sizes: number[];
}

function collectFiles(input: string, found: FoundFiles, report: IngestReport, explicit: boolean, visited = new Set<string>()): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    report.rejected.push({ path: input, reason: code === "ENOENT" ? "no such file or folder" : code === "EACCES" ? "permission denied" : `cannot read (${code ?? "unknown error"})` });
    return;
  }
  if (stat.isDirectory()) {
    // A folder reached twice (through a symlink loop, or named twice) is read once.
    let real: string;
    try {
      real = fs.realpathSync(input);
    } catch {
      real = path.resolve(input);
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: string[];
    try {
      entries = fs.readdirSync(input).sort();
    } catch {
      report.rejected.push({ path: input, reason: "cannot list this folder (permission denied?)" });
      return;
    }
    const before = found.files.length;
    const rejectedBefore = report.rejected.length;
    for (const entry of entries) {
      if (entry.startsWith(".")) continue;
      collectFiles(path.join(input, entry), found, report, false, visited);
    }
    if (explicit && found.files.length === before && report.rejected.length === rejectedBefore) {
      report.rejected.push({ path: input, reason: `no article files (${ARTICLE_EXTENSIONS.join(", ")}) in this folder` });
    }
    return;
  }
  const ext = path.extname(input).toLowerCase();
  if (!stat.isFile()) {
    // A FIFO or device would block or never end; only regular files are read.
    if (explicit || (ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) report.rejected.push({ path: input, reason: "not a regular file (a pipe, socket or device)" });
    return;
  }
  if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) {
    if (explicit) report.rejected.push({ path: input, reason: `unsupported file type "${ext || "(none)"}": use ${ARTICLE_EXTENSIONS.join(", ")}` });
    return;
  }
  if (stat.size > MAX_FILE_BYTES) {
    report.rejected.push({ path: input, reason: `file too large (${Math.round(stat.size / 1024 / 1024)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB)` });
    return;
  }
  found.files.push(input);
  found.sizes.push(stat.size);
}

type Parsed = { path: string; draft: ArticleDraft; fromFeed?: boolean } | { path: string; error: string };

function parseFile(file: string): Parsed[] {
  const ext = path.extname(file).toLowerCase();
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return [{ path: file, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` }];
  }
  // Feeds declare their own encoding (an XML declaration may name ISO-8859-1): the feed parser decodes them.
  if (FEED_EXTENSIONS.has(ext) || (ext === ".json" && isJsonFeed(bytes))) return feedItems(file, bytes);
  let text: string;
  try {
    const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : "utf-8";
    if (encoding === "utf-8" && bytes.includes(0)) return [{ path: file, error: "binary file, not text" }];
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    if (text.trim() === "") return [{ path: file, error: "empty file" }];
    if (text.includes("\u0000")) return [{ path: file, error: "binary file, not text" }];
  } catch {
    return [{ path: file, error: "not UTF-8 text (save it as UTF-8)" }];
  }
  if (ext === ".json") {
    const items = parseJsonArticles(text);
    if ("error" in items) return [{ path: file, error: items.error }];
    return items.map((item, i) => {
      const where = items.length > 1 ? `${file} (item ${i + 1})` : file;
      return "error" in item ? { path: where, error: item.error } : { path: where, draft: item };
    });
  }
  const parsed = ext === ".txt" ? parseScrapedText(text) : ext === ".html" || ext === ".htm" ? parseHtmlPage(text) : parseMarkdown(text);
  return ["error" in parsed ? { path: file, error: parsed.error } : { path: file, draft: parsed }];
}

/** A JSON Feed names its version by URL (`https://jsonfeed.org/version/1.1`); other JSON is articles. */
function isJsonFeed(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString("utf8").includes("jsonfeed.org/version");
}

function feedItems(file: string, bytes: Buffer): Parsed[] {
  if (bytes.length === 0) return [{ path: file, error: "empty file" }];
  const feed = parseFeedDocument(bytes);
  if ("error" in feed) return [{ path: file, error: feed.error }];
  const where = (n: number) => `${file} (item ${n})`;
  const parsed: Parsed[] = feed.items.map((draft, i) => ({ path: where(i + 1), draft, fromFeed: true }));
  for (const s of feed.skipped) parsed.push({ path: where(s.item), error: s.reason });
  if (parsed.length === 0) parsed.push({ path: file, error: "the feed has no items" });
  return parsed;
}

/**
 * Turns a parsed draft into a storable record: identity (the given one, else by URL or content), id, hash, and
 * inferred jurisdictions and topics.
 */
export function toRecord(draft: ArticleDraft, identityOverride?: string): ArticleRecord {
  const url = normalizeUrl(draft.url);
  const hash = contentHash(draft.title, draft.body);
  const identity = identityOverride ?? articleIdentity(url, hash);
  const given = canonicalJurisdictions(draft.jurisdictions ?? []);
  const bodyWords = wordsOf(draft.body);
  const inferred = inferTopicsAndRelevance(draft, !draft.topics?.length, bodyWords);
  return {
    id: articleId(identity),
    identity,
    title: draft.title,
    url,
    source: draft.source ?? null,
    publishedAt: draft.publishedAt ?? null,
    jurisdictions: given.length ? given : inferJurisdictions(draft.title, draft.body, bodyWords),
    topics: inferred.topics ?? [...new Set(draft.topics!.map((t) => t.toLowerCase()))],
    body: draft.body,
    contentHash: hash,
    guid: draft.guid?.trim() || null,
    author: draft.author?.trim() || null,
    categories: [...new Set((draft.categories ?? []).map((c) => c.trim()).filter(Boolean))],
    relevant: inferred.relevant,
    bodyWords,
  };
}
