import { type ArticleDraft, articleId } from "../articles/article.js";
import { toRecord } from "../articles/ingest.js";
import { isSameStory, titlesAlike } from "../articles/same-story.js";
import type { ArticleStore, StoreChange } from "../articles/store.js";

/** What storing a feed's items did. */
export interface FeedItemsReport {
  added: number;
  updated: number;
  unchanged: number;
  /** Items that were another outlet's copy of a stored story: kept as an alternate link, not a second article. */
  merged: number;
  /** Ids of the articles this run added. */
  addedIds: string[];
}

/** Options of {@link storeFeedItems}. */
export interface StoreFeedItemsOptions {
  /** The feed the items came from (`feeds.id`), if any. */
  readonly feedId?: number | null;

  /** Called with every committed change, so the search index can follow. */
  readonly onChange?: (change: StoreChange) => void;
}

/**
 * Stores feed items as articles, each story once. An item is the stored article with the same guid (its link may
 * have changed), or with the same normalised URL, or with the same text; another outlet's copy of a stored story
 * (near-identical title and text, see {@link isSameStory}) adds its link to that article as an alternate source.
 */
export function storeFeedItems(store: ArticleStore, drafts: readonly ArticleDraft[], options: StoreFeedItemsOptions = {}): FeedItemsReport {
  // One transaction for the whole feed: one commit, and a feed is stored wholly or (on a full disk) not at all.
  return store.db.transaction(() => storeEach(store, drafts, options))();
}

function storeEach(store: ArticleStore, drafts: readonly ArticleDraft[], options: StoreFeedItemsOptions): FeedItemsReport {
  const report: FeedItemsReport = { added: 0, updated: 0, unchanged: 0, merged: 0, addedIds: [] };
  for (const draft of drafts) {
    const fresh = toRecord(draft);
    if (store.isRetracted(fresh.identity)) {
      report.unchanged++;
      continue;
    }
    const duplicate = store.findDuplicate(fresh.guid, fresh.contentHash);
    if (duplicate?.retracted) {
      // The user removed this story (under this guid or this text): it stays removed, under any link.
      report.unchanged++;
      continue;
    }
    const sameItem = duplicate && (duplicate.identity === fresh.identity || (fresh.guid !== null && duplicate.guid === fresh.guid));
    if (duplicate && !sameItem) {
      // The same text under another link: another outlet (or a mirror) of a stored story.
      if (fresh.url && store.addAlternate(duplicate.id, fresh.url)) report.merged++;
      else report.unchanged++;
      continue;
    }
    if (!duplicate) {
      // Another outlet's copy has a near-identical title and a date close by: titles are compared first, bodies
      // loaded only for those.
      const twin = store
        .titlesAround(fresh.publishedAt)
        .filter((c) => titlesAlike(c.title, draft.title))
        .map((c) => store.get(c.id))
        .find((a) => a !== undefined && a.url !== fresh.url && isSameStory(a, draft));
      if (twin) {
        if (fresh.url && store.addAlternate(twin.id, fresh.url)) report.merged++;
        else report.unchanged++;
        continue;
      }
    }
    // Keep the stored article's identity when the guid matched under a new link, so its id (and citations) stay.
    const identity = duplicate ? { identity: duplicate.identity, id: articleId(duplicate.identity) } : {};
    const record = { ...fresh, ...identity, feedId: options.feedId ?? null };
    const { outcomes, change } = store.upsertMany([record], { origin: "user" });
    const outcome = outcomes[0] ?? "unchanged";
    report[outcome]++;
    if (outcome === "added") report.addedIds.push(record.id);
    if (change.toVersion !== change.fromVersion) options.onChange?.(change);
  }
  return report;
}
