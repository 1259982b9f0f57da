import { describe, expect, it } from "vitest";
import { PostingBatch, PostingList } from "../../src/search/postings.js";

/** The postings of a list as [doc, tf] pairs. */
const pairs = (list: PostingList) => Array.from(list.docs.subarray(0, list.length), (doc, i) => [doc, list.tfs[i]]);

describe("PostingBatch", () => {
  it("appends each list's postings in the order they were added, however lists interleave", () => {
    const lists = new Map<number, PostingList>();
    const listOf = (key: number) => lists.get(key) ?? lists.set(key, new PostingList()).get(key)!;
    const batch = new PostingBatch();
    const expected = new Map<number, number[][]>();
    for (let doc = 0; doc < 2000; doc++) {
      for (const key of [doc % 7, 100 + (doc % 3), 5000]) {
        batch.add(key, doc, (doc % 300) + 1);
        expected.set(key, [...(expected.get(key) ?? []), [doc, Math.min(255, (doc % 300) + 1)]]);
      }
      if (doc === 999) batch.flush(listOf);
    }
    batch.flush(listOf);
    expect(batch.size).toBe(0);
    expect([...lists.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const [key, postings] of expected) {
      expect(pairs(lists.get(key)!)).toEqual(postings);
      expect(lists.get(key)!.live).toBe(postings.length);
    }
  });

  it("appends to a list loaded from saved bytes without touching the list saved after it", () => {
    // A loaded index's lists are views of one buffer, one after another.
    const docs = new Uint32Array([1, 4, 2, 3]);
    const tfs = new Uint8Array([2, 1, 5, 5]);
    const first = new PostingList(docs.subarray(0, 2), tfs.subarray(0, 2), 2);
    const second = new PostingList(docs.subarray(2, 4), tfs.subarray(2, 4), 2);
    const batch = new PostingBatch();
    batch.add(0, 9, 3);
    batch.flush(() => first);
    expect(pairs(first)).toEqual([[1, 2], [4, 1], [9, 3]]);
    expect(pairs(second)).toEqual([[2, 5], [3, 5]]);
  });
});
