import { createHash } from "node:crypto";

/** A stored news article. */
export interface Article {
  /** Stable short id (10 hex characters): fits chat commands and button data. */
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly source: string | null;
  /** `YYYY-MM-DD`, or `null` when the source gave no date. */
  readonly publishedAt: string | null;
  /** Canonical jurisdiction names, e.g. `"European Union"`, `"International"`. */
  readonly jurisdictions: readonly string[];
  readonly topics: readonly string[];
  /** Plain text; paragraphs separated by a blank line. */
  readonly body: string;
  readonly contentHash: string;
  /** ISO timestamp of the first ingest. */
  readonly ingestedAt: string;
  /** The feed item's guid (or Atom id) it came from, if any. */
  readonly guid: string | null;
  readonly author: string | null;
  /** The source's own sections and tags. */
  readonly categories: readonly string[];
  /** Regulation news (see `isRegulationNews`): `latest` shows these by default and `ask` ranks them first. */
  readonly relevant: boolean;
  /** Other outlets' links to the same story, stored once. */
  readonly alternates: readonly string[];
}

/** What a parser produces from one input, before identity, inference and storage. */
export interface ArticleDraft {
  title: string;
  body: string;
  url?: string | null | undefined;
  source?: string | null | undefined;
  publishedAt?: string | null | undefined;
  jurisdictions?: readonly string[] | undefined;
  topics?: readonly string[] | undefined;
  /** The feed item's guid (or Atom id), when it came from a feed: the first thing deduplication compares. */
  guid?: string | null | undefined;
  author?: string | null | undefined;
  /** The source's own section and tag names (e.g. CoinDesk's "Policy", "Regulations"); they inform relevance. */
  categories?: readonly string[] | undefined;
}

/** Query parameters that only track clicks; removed so one story keeps one identity. */
const TRACKING_PARAMS = /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ref|ref_src|cmpid|ito|ocid|smid|s_cid|at_medium|at_campaign)$/i;

/**
 * Normalises a URL for identity: lower-case host, no fragment, no tracking parameters (`utm_*`, `fbclid`, …),
 * no default port, no trailing slash on the path. Returns `null` for anything that is not an http(s) URL.
 */
export function normalizeUrl(raw: string | null | undefined): string | null {
  if (!raw || !raw.trim()) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(key)) url.searchParams.delete(key);
  }
  url.searchParams.sort();
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) url.pathname = url.pathname.replace(/\/+$/, "");
  return url.toString();
}

/** SHA-256 of the normalised title and body: equal for the same story however it was spaced. */
export function contentHash(title: string, body: string): string {
  return createHash("sha256").update(squash(title)).update("\n").update(squash(body)).digest("hex");
}

/**
 * Runs of white space that `/\s+/g` would turn into one space, except lone spaces (already one space): a text
 * has a lone space between every two words, and replacing each of those with itself is most of the cost.
 */
const SPACING = /\s\s+|[^\S ]/g;

/** Lower case, NFKC, every run of white space one space, trimmed. */
function squash(text: string): string {
  return text.normalize("NFKC").replace(SPACING, " ").trim().toLowerCase();
}

/** The key that says "this is the same article": its normalised URL, or its content when it has none. */
export function articleIdentity(url: string | null, hash: string): string {
  return url ? `url:${url}` : `hash:${hash}`;
}

/** A short, stable id derived from the identity (10 hex characters). */
export function articleId(identity: string): string {
  return createHash("sha256").update(identity).digest("hex").slice(0, 10);
}

/** Accepts `YYYY-MM-DD`, full ISO timestamps and common date strings; returns `YYYY-MM-DD` or `null`. */
export function normalizeDate(raw: unknown): string | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.toISOString().slice(0, 10);
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const text = String(raw).trim();
  if (!text) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return validYmd(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return null;
  return validYmd(parsed.getFullYear(), parsed.getMonth() + 1, parsed.getDate());
}

function validYmd(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1990 || y > 2100) return null;
  return date.toISOString().slice(0, 10);
}
