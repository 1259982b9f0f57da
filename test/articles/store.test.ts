import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ArticleDraft } from "../../src/articles/article.js";
import { toRecord } from "../../src/articles/ingest.js";
import { createArticleStore, LATEST_SQL, type ArticleOrigin } from "../../src/articles/store.js";
import { openDatabase } from "../../src/storage/database.js";
import { openTempStore, tempDir } from "../fakes/temp-store.js";

const draft = (n: number, fields: Partial<ArticleDraft> = {}): ArticleDraft => ({
  title: `Story ${n} about crypto rules`,
  body: `Body of story ${n}: the regulator published new crypto rules.`,
  url: `https://news.example/story-${n}`,
  ...fields,
});

const user = { origin: "user" as ArticleOrigin };
const bundled = { origin: "bundled" as ArticleOrigin };

/** A clock that moves one day forward every time it is read. */
function dailyClock(start = "2024-01-01T00:00:00Z"): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 24 * 3600 * 1000;
    return now;
  };
}

describe("upsertMany", () => {
  it("says for each record whether it was added, updated or unchanged", () => {
    const store = openTempStore();
    store.upsertMany([toRecord(draft(1)), toRecord(draft(2))], user);
    const { outcomes } = store.upsertMany([toRecord(draft(1)), toRecord(draft(2, { body: "A corrected body." })), toRecord(draft(3))], user);
    expect(outcomes).toEqual(["unchanged", "updated", "added"]);
  });

  it("counts a change of date or jurisdictions alone as an update", () => {
    const store = openTempStore();
    store.upsertMany([toRecord(draft(1, { publishedAt: "2024-01-01" })), toRecord(draft(2))], user);
    const { outcomes } = store.upsertMany([toRecord(draft(1, { publishedAt: "2024-01-02" })), toRecord(draft(2, { jurisdictions: ["Japan"] }))], user);
    expect(outcomes).toEqual(["updated", "updated"]);
  });

  it("hands back the stored form of every added or changed article, and only those", () => {
    const store = openTempStore();
    store.upsertMany([toRecord(draft(1))], user);
    const { change } = store.upsertMany([toRecord(draft(1)), toRecord(draft(2))], user);
    expect(change.upserted.map((a) => a.title)).toEqual(["Story 2 about crypto rules"]);
    expect(change.removed).toEqual([]);
  });

  it("hands back each new article exactly as reading it back gives it, even text SQLite cannot keep as it is", () => {
    const store = openTempStore(undefined, { now: dailyClock() });
    const records = [
      toRecord(draft(1, { source: "Wire", publishedAt: "2024-05-01", jurisdictions: ["EU"], topics: ["Tax"], categories: ["Policy"], author: "A. Writer", guid: "g-1" })),
      // A lone surrogate (half an emoji) is stored as U+FFFD characters: the article handed back must say so too.
      toRecord(draft(2, { title: "Cut emoji \ud83d", body: "Body with half an emoji \ude00 in it." })),
      toRecord(draft(3, { url: null })),
    ];
    const { change } = store.upsertMany(records, user);
    const stored = records.map((r) => store.get(r.id)!);
    const articles = change.upserted.map(({ bodyWords: _, ...article }) => article);
    expect(articles).toStrictEqual(stored);
    expect(articles.map((a) => Object.keys(a))).toEqual(stored.map((a) => Object.keys(a)));
    expect(change.upserted[1]!.title).toMatch(/^Cut emoji \ufffd+$/);
    // The words inference found go with an article to the index only when its body was kept as it was.
    expect(change.upserted.map((a) => a.bodyWords)).toEqual([records[0]!.bodyWords, undefined, records[2]!.bodyWords]);
  });

  it("hands an updated or re-added article on with the words of its new body", () => {
    const store = openTempStore();
    const first = toRecord(draft(1));
    store.upsertMany([first], user);
    const changed = toRecord(draft(1, { body: "A new body about stablecoin reserves and the rules for them." }));
    const { change } = store.upsertMany([changed], user);
    expect(change.upserted[0]!.body).toBe(changed.body);
    expect(change.upserted[0]!.bodyWords).toBe(changed.bodyWords);
    store.retract(first.id);
    const again = toRecord(draft(1, { body: "Back again, about exchanges." }));
    expect(store.upsertMany([again], user).change.upserted[0]!.bodyWords).toBe(again.bodyWords);
  });

  it("keeps the first ingest time when an article is updated", () => {
    const store = openTempStore(undefined, { now: dailyClock() });
    const record = toRecord(draft(1));
    store.upsertMany([record], user);
    store.upsertMany([toRecord(draft(1, { body: "Corrected." }))], user);
    expect(store.get(record.id)).toMatchObject({ body: "Corrected.", ingestedAt: "2024-01-01T00:00:00.000Z" });
  });
});

describe("get", () => {
  it("returns the stored article with everything it was given", () => {
    const store = openTempStore();
    const record = toRecord(draft(1, { source: "Example Wire", publishedAt: "2023-06-09", jurisdictions: ["EU"], topics: ["licensing"] }));
    store.upsertMany([record], user);
    expect(store.get(record.id)).toMatchObject({
      id: record.id,
      title: "Story 1 about crypto rules",
      url: "https://news.example/story-1",
      source: "Example Wire",
      publishedAt: "2023-06-09",
      jurisdictions: ["European Union"],
      topics: ["licensing"],
      contentHash: record.contentHash,
    });
  });

  it("returns undefined for an unknown id", () => {
    expect(openTempStore().get("0123456789")).toBeUndefined();
  });
});

describe("all and count", () => {
  it("list live articles in the order they were first stored", () => {
    const store = openTempStore();
    store.upsertMany([toRecord(draft(3)), toRecord(draft(1)), toRecord(draft(2))], user);
    expect(store.all().map((a) => a.title.slice(0, 7))).toEqual(["Story 3", "Story 1", "Story 2"]);
    expect(store.count()).toBe(3);
  });
});

describe("latest", () => {
  function storeWithDates() {
    const store = openTempStore();
    store.upsertMany(
      [
        toRecord(draft(1, { publishedAt: "2021-05-01", jurisdictions: ["China"] })),
        toRecord(draft(2, { publishedAt: null, jurisdictions: ["Japan"] })),
        toRecord(draft(3, { publishedAt: "2024-02-10", jurisdictions: ["Japan", "EU"] })),
        toRecord(draft(4, { publishedAt: "2023-07-13", jurisdictions: ["United States"] })),
      ],
      user,
    );
    return store;
  }
  const numbers = (articles: ReadonlyArray<{ title: string }>) => articles.map((a) => Number(/Story (\d+)/.exec(a.title)![1]));

  it("orders newest first, with undated articles last", () => {
    expect(numbers(storeWithDates().latest({ limit: 10 }))).toEqual([3, 4, 1, 2]);
  });

  it("stops at the limit", () => {
    expect(numbers(storeWithDates().latest({ limit: 2 }))).toEqual([3, 4]);
  });

  it("lists articles of the same day in the order stored, the last one first", () => {
    const store = storeWithDates();
    store.upsertMany([toRecord(draft(5, { publishedAt: "2023-07-13" })), toRecord(draft(6, { publishedAt: "2023-07-13" }))], user);
    expect(numbers(store.latest({ limit: 10 }))).toEqual([3, 6, 5, 4, 1, 2]);
  });

  it("has an index that serves the newest-first order latest asks for, so it need not read and sort every article", () => {
    const store = storeWithDates();
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${LATEST_SQL}`).all({ limit: 5, from: null, to: null, relevantOnly: 1 }) as Array<{ detail: string }>;
    const steps = plan.map((step) => step.detail).join("; ");
    expect(steps).toMatch(/USING INDEX articles_published/);
    expect(steps).not.toMatch(/TEMP B-TREE/);
  });

  it("keeps only articles in one of the given jurisdictions", () => {
    const store = storeWithDates();
    expect(numbers(store.latest({ limit: 10, jurisdictions: ["Japan"] }))).toEqual([3, 2]);
    expect(numbers(store.latest({ limit: 10, jurisdictions: ["China", "United States"] }))).toEqual([4, 1]);
    expect(store.latest({ limit: 10, jurisdictions: ["Brazil"] })).toEqual([]);
  });

  it("keeps only articles published within the inclusive date window", () => {
    expect(numbers(storeWithDates().latest({ limit: 10, from: "2021-05-01", to: "2023-07-13" }))).toEqual([4, 1]);
  });

  it("treats a jurisdiction name holding SQL as plain text", () => {
    const store = storeWithDates();
    expect(store.latest({ limit: 10, jurisdictions: ["'); DROP TABLE articles; --"] })).toEqual([]);
    expect(store.count()).toBe(4);
  });
});

describe("retract", () => {
  it("removes the article from get, all, count, latest and jurisdictions", () => {
    const store = openTempStore();
    const gone = toRecord(draft(1, { jurisdictions: ["China"] }));
    store.upsertMany([gone, toRecord(draft(2, { jurisdictions: ["Japan"] }))], user);
    expect(store.retract(gone.id)?.removed.map((a) => a.id)).toEqual([gone.id]);
    expect(store.get(gone.id)).toBeUndefined();
    expect(store.all().map((a) => a.id)).not.toContain(gone.id);
    expect(store.count()).toBe(1);
    expect(store.latest({ limit: 10 }).map((a) => a.id)).not.toContain(gone.id);
    expect(store.jurisdictions()).toEqual(["Japan"]);
  });

  it("changes nothing for an unknown or already retracted id", () => {
    const store = openTempStore();
    const record = toRecord(draft(1));
    store.upsertMany([record], user);
    store.retract(record.id);
    const version = store.version();
    expect(store.retract(record.id)).toBeUndefined();
    expect(store.retract("ffffffffff")).toBeUndefined();
    expect(store.version()).toBe(version);
  });

  it("keeps a tombstone without the text, so the bundled corpus does not bring the article back", () => {
    const store = openTempStore();
    const record = toRecord(draft(1));
    store.upsertMany([record], bundled);
    store.retract(record.id);
    const row = store.db.prepare("SELECT title, body, retracted_at FROM articles WHERE id = ?").get(record.id) as { title: string; body: string; retracted_at: string | null };
    expect(row).toMatchObject({ title: "[retracted]", body: "" });
    expect(row.retracted_at).not.toBeNull();
    expect(store.upsertMany([record], bundled).outcomes).toEqual(["unchanged"]);
    expect(store.get(record.id)).toBeUndefined();
  });

  it("lets the user bring a retracted article back by ingesting it again", () => {
    const store = openTempStore();
    const record = toRecord(draft(1));
    store.upsertMany([record], bundled);
    store.retract(record.id);
    expect(store.upsertMany([record], user).outcomes).toEqual(["added"]);
    expect(store.get(record.id)?.body).toBe(record.body);
  });
});

describe("retractBundledExcept", () => {
  it("retracts bundled articles the corpus no longer has, and leaves user articles alone", () => {
    const store = openTempStore();
    const kept = toRecord(draft(1));
    const dropped = toRecord(draft(2));
    const mine = toRecord(draft(3));
    store.upsertMany([kept, dropped], bundled);
    store.upsertMany([mine], user);
    expect(store.retractBundledExcept(new Set([kept.identity])).removed.map((a) => a.id)).toEqual([dropped.id]);
    expect(store.all().map((a) => a.id)).toEqual([kept.id, mine.id]);
  });

  it("brings an article back when a later corpus has it again, but not one the user removed", () => {
    const store = openTempStore();
    const returning = toRecord(draft(1));
    const removedByUser = toRecord(draft(2));
    store.upsertMany([returning, removedByUser], bundled);
    store.retract(removedByUser.id);
    store.retractBundledExcept(new Set());
    expect(store.upsertMany([returning, removedByUser], bundled).outcomes).toEqual(["added", "unchanged"]);
    expect(store.all().map((a) => a.id)).toEqual([returning.id]);
  });

  it("never overwrites a user's article with the bundled text", () => {
    const store = openTempStore();
    const mine = toRecord(draft(1));
    store.upsertMany([mine], user);
    const bundledText = toRecord({ ...draft(1), body: "The bundled corpus words it differently." }, mine.identity);
    expect(store.upsertMany([bundledText], bundled).outcomes).toEqual(["unchanged"]);
    expect(store.get(mine.id)?.body).toBe(mine.body);
  });
});

describe("version", () => {
  it("grows with every write and stays put when nothing changed", () => {
    const store = openTempStore();
    const record = toRecord(draft(1));
    const v0 = store.version();
    store.upsertMany([record], user);
    const v1 = store.version();
    store.upsertMany([record], user);
    const v2 = store.version();
    store.retract(record.id);
    expect(v1).toBeGreaterThan(v0);
    expect(v2).toBe(v1);
    expect(store.version()).toBeGreaterThan(v2);
  });

  it("is shared by every connection to the same file", () => {
    const file = path.join(tempDir(), "shared.db");
    const one = openTempStore(file);
    const two = openTempStore(file);
    one.upsertMany([toRecord(draft(1))], user);
    expect(two.version()).toBe(one.version());
    expect(two.count()).toBe(1);
  });
});

describe("meta", () => {
  it("returns undefined for a key never set, and the latest value of one set twice", () => {
    const store = openTempStore();
    expect(store.getMeta("corpus_version")).toBeUndefined();
    store.setMeta("corpus_version", "a");
    store.setMeta("corpus_version", "b");
    expect(store.getMeta("corpus_version")).toBe("b");
  });
});

describe("jurisdictions", () => {
  it("lists each jurisdiction of the live articles once, sorted", () => {
    const store = openTempStore();
    store.upsertMany([toRecord(draft(1, { jurisdictions: ["Japan", "EU"] })), toRecord(draft(2, { jurisdictions: ["Japan"] }))], user);
    expect(store.jurisdictions()).toEqual(["European Union", "Japan"]);
  });
});

describe("createArticleStore", () => {
  it("keeps what was stored after the database is closed and opened again", () => {
    const file = path.join(tempDir(), "regbot.db");
    const first = openDatabase(file);
    const record = toRecord(draft(1));
    createArticleStore(first, { file }).upsertMany([record], user);
    first.close();
    const second = openDatabase(file);
    try {
      expect(createArticleStore(second, { file }).get(record.id)?.title).toBe(record.title);
    } finally {
      second.close();
    }
  });
});
