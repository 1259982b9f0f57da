import type { IndexedMeta } from "./article-index.js";
import { copyPostings, PostingList } from "./postings.js";

type Lists = readonly [PostingList | null, PostingList | null, PostingList | null];

/** What {@link encodeIndex} writes: live articles numbered 0…n-1, terms with their postings per field. */
export interface IndexContents {
  readonly format: string;
  /** The live articles only, in document order: as many as `renumber` has entries when none was removed. */
  readonly ids: readonly string[];
  readonly metas: readonly IndexedMeta[];
  /** Field lengths, three per article. */
  readonly lengths: Uint32Array;
  readonly totals: readonly number[];
  readonly terms: readonly string[];
  readonly df: readonly number[];
  readonly lists: readonly Lists[];
  /** In-memory document number → saved number, or -1 for a removed document (its postings are left out). */
  readonly renumber: Int32Array;
  readonly vocabulary: readonly string[];
  readonly vocabularyCounts: readonly number[];
  readonly jargon: readonly string[];
}

/** What {@link decodeIndex} reads back; postings are views of the saved bytes. */
export interface DecodedIndex {
  readonly ids: string[];
  readonly metas: IndexedMeta[];
  readonly lengths: Uint32Array;
  readonly totals: readonly number[];
  readonly terms: string[];
  readonly df: Uint32Array;
  readonly lists: Array<[PostingList | null, PostingList | null, PostingList | null]>;
  readonly vocabulary: string[];
  readonly vocabularyCounts: Uint32Array;
  readonly jargon: string[];
}

const MAGIC = "regbot-index\n";

interface Header {
  format: string;
  totals: number[];
  ids: string[];
  /** [publishedAt, jurisdictions, relevant as 0/1] per article. */
  metas: Array<[string | null, string[], number]>;
  terms: string[];
  vocabulary: string[];
  jargon: string[];
  postings: number;
}

/**
 * The saved index: a magic line, a JSON header with the strings, then typed arrays (field lengths, postings
 * counts, document frequencies, word counts, document numbers, term frequencies). Loading it is a JSON parse
 * and copies of the arrays: no index is rebuilt. The arrays are written straight into the one buffer returned.
 */
export function encodeIndex(contents: IndexContents): Uint8Array {
  const { lists, renumber } = contents;
  // With no article removed, documents keep their numbers: postings are copied list by list, not one by one.
  const sameNumbers = contents.ids.length === renumber.length;
  const counts = new Uint32Array(lists.length * 3);
  let postings = 0;
  for (let i = 0; i < lists.length; i++) {
    for (let f = 0; f < 3; f++) {
      const list = lists[i]![f];
      if (!list) continue;
      let n = list.length;
      if (!sameNumbers) {
        n = 0;
        for (let j = 0; j < list.length; j++) if (renumber[list.docs[j]!]! >= 0) n++;
      }
      counts[i * 3 + f] = n;
      postings += n;
    }
  }
  const header: Header = {
    format: contents.format,
    totals: [...contents.totals],
    ids: [...contents.ids],
    metas: contents.metas.map((m) => [m.publishedAt, [...m.jurisdictions], m.relevant ? 1 : 0]),
    terms: [...contents.terms],
    vocabulary: [...contents.vocabulary],
    jargon: [...contents.jargon],
    postings,
  };
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`);
  const arraysStart = head.length + ((4 - (head.length % 4)) % 4);
  const words = contents.lengths.length + counts.length + contents.df.length + contents.vocabularyCounts.length + postings;
  // A buffer of its own (not Node's shared pool), so the index worker can transfer it.
  const out = new Uint8Array(new ArrayBuffer(arraysStart + 4 * words + postings));
  out.set(head);
  const u32 = new Uint32Array(out.buffer, arraysStart, words);
  let at = 0;
  const put = (values: ArrayLike<number>) => {
    u32.set(values, at);
    at += values.length;
  };
  put(contents.lengths);
  put(counts);
  put(contents.df);
  put(contents.vocabularyCounts);
  const docs = u32.subarray(at);
  const tfs = out.subarray(arraysStart + 4 * words);
  at = 0;
  for (const termLists of lists) {
    for (const list of termLists) {
      if (!list) continue;
      if (sameNumbers) {
        copyPostings(list.docs, list.tfs, 0, list.length, docs, tfs, at);
        at += list.length;
        continue;
      }
      for (let j = 0; j < list.length; j++) {
        const doc = renumber[list.docs[j]!]!;
        if (doc < 0) continue;
        docs[at] = doc;
        tfs[at] = list.tfs[j]!;
        at++;
      }
    }
  }
  return out;
}

/** Reads {@link encodeIndex} output. Throws when the bytes are not a saved index of format `format`. */
export function decodeIndex(saved: Uint8Array, format: string): DecodedIndex {
  const magic = Buffer.from(saved.buffer, saved.byteOffset, Math.min(saved.byteLength, MAGIC.length)).toString();
  if (magic !== MAGIC) throw new Error("the saved index is not in this version's binary layout");
  const end = saved.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw new Error("the saved index is cut short");
  const header = JSON.parse(Buffer.from(saved.buffer, saved.byteOffset + MAGIC.length, end - MAGIC.length).toString()) as Header;
  if (header.format !== format) throw new Error(`the saved index has format ${String(header.format)}, this version writes ${format}`);
  const arrays = [header.ids, header.metas, header.terms, header.vocabulary, header.jargon, header.totals];
  if (!arrays.every(Array.isArray) || header.metas.length !== header.ids.length || header.totals.length !== 3 || !Number.isInteger(header.postings) || header.postings < 0) {
    throw new Error("the saved index's header does not add up");
  }
  // Typed arrays need aligned offsets: copy once into a fresh buffer when the database handed us unaligned bytes.
  const bodyStart = end + 1 + ((4 - ((end + 1) % 4)) % 4);
  const aligned = (saved.byteOffset + bodyStart) % 4 === 0 ? saved : new Uint8Array(saved);
  let at = aligned.byteOffset + bodyStart;
  const take32 = (n: number) => {
    if (at + n * 4 > aligned.byteOffset + aligned.byteLength) throw new Error("the saved index is cut short");
    const view = new Uint32Array(aligned.buffer, at, n);
    at += n * 4;
    return view;
  };
  const docCount = header.ids.length;
  // Copies (slice), not views: the saved bytes, header strings included, can then be collected.
  const lengths = take32(docCount * 3).slice();
  const counts = take32(header.terms.length * 3);
  const df = take32(header.terms.length).slice();
  const vocabularyCounts = take32(header.vocabulary.length).slice();
  const docs = take32(header.postings).slice();
  if (at + header.postings > aligned.byteOffset + aligned.byteLength) throw new Error("the saved index is cut short");
  const tfs = new Uint8Array(aligned.buffer, at, header.postings).slice();
  let offset = 0;
  const lists = header.terms.map(() => [null, null, null] as [PostingList | null, PostingList | null, PostingList | null]);
  for (let i = 0; i < header.terms.length; i++) {
    for (let f = 0; f < 3; f++) {
      const n = counts[i * 3 + f]!;
      if (n === 0) continue;
      if (offset + n > header.postings) throw new Error("the saved index's postings do not add up");
      // Search relies on this: each list in increasing article order, every article one that exists, tf ≥ 1.
      for (let j = offset, previous = -1; j < offset + n; j++) {
        if (docs[j]! >= docCount || docs[j]! <= previous || tfs[j] === 0) throw new Error("the saved index's postings are out of order");
        previous = docs[j]!;
      }
      lists[i]![f] = new PostingList(docs.subarray(offset, offset + n), tfs.subarray(offset, offset + n), n);
      offset += n;
    }
  }
  if (offset !== header.postings) throw new Error("the saved index's postings do not add up");
  return {
    ids: header.ids,
    metas: header.metas.map(([publishedAt, jurisdictions, relevant]) => ({ publishedAt, jurisdictions, relevant: relevant === 1 })),
    lengths,
    totals: header.totals,
    terms: header.terms,
    df,
    lists,
    vocabulary: header.vocabulary,
    vocabularyCounts,
    jargon: header.jargon,
  };
}
