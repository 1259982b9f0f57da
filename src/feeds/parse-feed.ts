import type { AnyFeed, AtomFeed, JsonFeed, RdfFeed, RssFeed } from "feedsmith";
import { createRequire } from "node:module";
import type { ArticleDraft } from "../articles/article.js";
import { normalizeDate, normalizeUrl } from "../articles/article.js";
import { decodeHtmlEntities, htmlToPlainText, tidyPlainText } from "../articles/html-text.js";

// Loaded on first use (its CommonJS build, synchronously): only reading a feed needs it.
let feedsmith: typeof import("feedsmith") | undefined;
const lib = () => (feedsmith ??= createRequire(import.meta.url)("feedsmith") as typeof import("feedsmith"));

/** A feed document read into article drafts. */
export interface ParsedFeed {
  format: "rss" | "atom" | "rdf" | "json";
  /** The feed's own title as plain text (`<channel><title>`, Atom `<title>`, JSON `title`). */
  title: string | null;
  /** The site the feed belongs to, normalised; also the base for relative item links. */
  link: string | null;
  /** One draft per usable item, in feed order. */
  items: ArticleDraft[];
  /** Items that could not become articles: `item` is the 1-based position in the feed, `reason` says why. */
  skipped: Array<{ item: number; reason: string }>;
}

/** Options of {@link parseFeedDocument}. */
export interface ParseFeedOptions {
  /** The HTTP `Content-Type` the document came with; its `charset` decodes bytes that declare no encoding. */
  contentType?: string | null;
}

/**
 * Reads an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed document into article drafts. Never throws: input that is
 * not a readable feed (nothing at all, an HTML page, broken XML, some other document) gives `{ error }`, one
 * sentence naming what was found.
 *
 * Bytes are decoded by, in order: a byte-order mark; the XML declaration's `encoding`; the `charset` of
 * `options.contentType`; else UTF-8, or windows-1252 when the bytes are not valid UTF-8 (old feeds that
 * declare nothing are usually Latin-1).
 *
 * Each item becomes a draft with a plain-text body (`content:encoded`, Atom content or JSON `content_html` /
 * `content_text`, else the description or summary), a plain-text title, its link without tracking parameters,
 * guid (RSS guid, Atom id, JSON id, RDF `rdf:about`), author, categories and `YYYY-MM-DD` date. `source` is the
 * item's own RSS `<source>` (aggregators name the original publisher there), else the feed's title. An item
 * is kept only when it has both a title and some text; otherwise it is listed in `skipped` with the reason
 * `"no title or text"`, `"no title"` or `"no text"`. A headline alone is not an article: a headline-only
 * feed (such as a table of contents) therefore parses to no items and every item skipped, and the caller
 * decides what that means. Items the feed holds with no data at all are dropped by the parser library and
 * appear in neither list.
 *
 * @example
 * const feed = parseFeedDocument(await response.bytes(), { contentType: response.headers.get("content-type") });
 * if ("error" in feed) console.warn(feed.error);
 * else for (const draft of feed.items) ingest(draft);
 */
export function parseFeedDocument(input: string | Uint8Array, options: ParseFeedOptions = {}): ParsedFeed | { error: string } {
  try {
    const text = typeof input === "string" ? input.replace(/^\ufeff/, "") : decodeFeedBytes(input, options.contentType);
    if (!text.trim()) {
      return { error: "The feed is empty: the document holds no text at all. Check that the address serves the feed itself." };
    }
    const htmlPage = describeHtmlPage(text);
    if (htmlPage) return { error: htmlPage };
    let parsed: AnyFeed<string>;
    try {
      parsed = lib().parseFeed(text);
    } catch (error) {
      if (error instanceof lib().ParseError) return emptyFeed(detectFormat(text));
      if (error instanceof lib().MalformedError) return { error: describeBrokenXml(text, error) };
      return { error: describeUnrecognized(text) };
    }
    return readFeed(parsed);
  } catch (error) {
    // The library and html-to-text are forgiving; this only guards the promise that bad input never throws.
    return { error: `The feed could not be read (${error instanceof Error ? error.message : String(error)}).` };
  }
}

// --- Formats ----------------------------------------------------------------------------------------------

/** What every format's item comes down to before it is checked and turned into a draft. */
interface ItemFields {
  title: string;
  /** The body as plain text; converting the description only when the content is empty. */
  body: () => string;
  link: string | undefined;
  guid: string | undefined;
  authors: Array<string | undefined>;
  categories: Array<string | undefined>;
  dates: unknown[];
  source: string | undefined;
}

function readFeed(parsed: AnyFeed<string>): ParsedFeed {
  switch (parsed.format) {
    case "rss":
      return readRss(parsed.feed);
    case "atom":
      return readAtom(parsed.feed);
    case "rdf":
      return readRdf(parsed.feed);
    case "json":
      return readJson(parsed.feed);
  }
}

function readRss(feed: RssFeed.Feed<string>): ParsedFeed {
  const site = siteLink(feed.link);
  const title = plainTitle(feed.title);
  return collect("rss", title, site, feed.items ?? [], (item) => ({
    title: plainTitle(item.title ?? item.dc?.titles?.[0]),
    body: () => firstText(() => htmlToPlainText(item.content?.encoded ?? ""), () => htmlToPlainText(item.description ?? "")),
    link: item.link ?? permalinkGuid(item.guid),
    guid: item.guid?.value,
    authors: item.dc?.creators ?? item.authors?.map((person) => person.name ?? person.email) ?? [],
    categories: [...(item.categories?.map((category) => category.name) ?? []), ...(item.dc?.subjects ?? [])],
    dates: [item.pubDate, ...(item.dc?.dates ?? []), item.atom?.published, item.atom?.updated],
    source: item.source?.title,
  }));
}

function readRdf(feed: RdfFeed.Feed<string>): ParsedFeed {
  const site = siteLink(feed.link);
  return collect("rdf", plainTitle(feed.title), site, feed.items ?? [], (item) => ({
    title: plainTitle(item.title ?? item.dc?.titles?.[0]),
    body: () => firstText(() => htmlToPlainText(item.content?.encoded ?? ""), () => htmlToPlainText(item.description ?? "")),
    link: item.link ?? item.rdf?.about,
    guid: item.rdf?.about,
    authors: item.dc?.creators ?? [],
    categories: item.dc?.subjects ?? [],
    dates: item.dc?.dates ?? [],
    source: undefined,
  }));
}

function readAtom(feed: AtomFeed.Feed<string>): ParsedFeed {
  const site = siteLink(alternateLink(feed.links));
  // An entry without authors has the feed's (RFC 4287, 4.2.1).
  const feedAuthors = feed.authors?.map((person) => person.name) ?? [];
  return collect("atom", atomText(feed.title), site, feed.entries ?? [], (entry) => ({
    title: atomText(entry.title) ?? "",
    body: () => firstText(() => atomBody(entry.content), () => atomBody(entry.summary)),
    link: alternateLink(entry.links),
    guid: entry.id,
    authors: entry.authors?.length ? entry.authors.map((person) => person.name) : (entry.dc?.creators ?? feedAuthors),
    categories: [...(entry.categories?.map((category) => category.label ?? category.term) ?? []), ...(entry.dc?.subjects ?? [])],
    dates: [entry.published, entry.updated, ...(entry.dc?.dates ?? [])],
    source: atomText(entry.source?.title) ?? undefined,
  }));
}

function readJson(feed: JsonFeed.Feed<string>): ParsedFeed {
  const site = siteLink(feed.home_page_url);
  const feedAuthors = feed.authors?.map((author) => author.name) ?? [];
  return collect("json", plainTitle(feed.title), site, feed.items ?? [], (item) => ({
    title: plainTitle(item.title),
    body: () =>
      firstText(
        () => htmlToPlainText(asText(item.content_html) ?? ""),
        () => tidyPlainText(asText(item.content_text) ?? ""),
        () => tidyPlainText(asText(item.summary) ?? ""),
      ),
    link: asText(item.url) ?? asText(item.external_url),
    guid: asText(item.id),
    authors: item.authors?.length ? item.authors.map((author) => author.name) : feedAuthors,
    categories: Array.isArray(item.tags) ? item.tags.map(asText) : [],
    dates: [item.date_published, item.date_modified],
    source: undefined,
  }));
}

/** Checks each item and turns it into a draft, or notes why it was skipped. */
function collect<T>(format: ParsedFeed["format"], title: string | null, link: string | null, items: readonly T[], read: (item: T) => ItemFields): ParsedFeed {
  const feed: ParsedFeed = { format, title: title || null, link, items: [], skipped: [] };
  items.forEach((item, index) => {
    const fields = read(item);
    const body = fields.body();
    const reason = !fields.title && !body ? "no title or text" : !fields.title ? "no title" : !body ? "no text" : null;
    if (reason) {
      feed.skipped.push({ item: index + 1, reason });
      return;
    }
    feed.items.push({
      title: fields.title,
      body,
      url: resolveLink(fields.link, link),
      source: plainTitle(fields.source) || feed.title,
      publishedAt: firstDate(fields.dates),
      guid: fields.guid?.trim() || null,
      author: uniqueText(fields.authors).join(", ") || null,
      categories: uniqueText(fields.categories),
    });
  });
  return feed;
}

function emptyFeed(format: ParsedFeed["format"]): ParsedFeed {
  return { format, title: null, link: null, items: [], skipped: [] };
}

/** The order in which feedsmith's `parseFeed` tries the formats. */
function detectFormat(text: string): ParsedFeed["format"] {
  return lib().detectRssFeed(text) ? "rss" : lib().detectAtomFeed(text) ? "atom" : lib().detectRdfFeed(text) ? "rdf" : "json";
}

// --- Fields -----------------------------------------------------------------------------------------------

/**
 * A title or name as one line of plain text. Feeds put three things in titles: plain text, text whose
 * characters are HTML-escaped once more (`Q&amp;A` inside CDATA), and HTML (`<b>Bold</b> news`). Markup is
 * stripped only when it is real HTML — a known element that is closed or a `<br>` — so a title that talks
 * about markup (`I <3 feeds`, `a stray </a>`) keeps it as text.
 */
function plainTitle(raw: string | undefined): string {
  if (!raw) return "";
  return squash(looksLikeHtml(raw) ? htmlToPlainText(raw) : decodeHtmlEntities(raw));
}

/** An Atom text construct (`title`, `summary`, `rights`) as one line, read by its `type`. */
function atomText(text: AtomFeed.Text | undefined): string | null {
  if (!text?.value) return null;
  const kind = atomKind(text.type);
  const plain = kind === "html" ? htmlToPlainText(text.value) : kind === "text" ? text.value : kind === "auto" ? plainTitle(text.value) : "";
  return squash(plain) || null;
}

/** Atom content or summary as a plain-text body, read by its `type`; media content (`image/png`) has none. */
function atomBody(content: AtomFeed.Content | AtomFeed.Text | undefined): string {
  if (!content?.value) return "";
  switch (atomKind(content.type)) {
    case "html":
      return htmlToPlainText(content.value);
    case "text":
      return tidyPlainText(content.value);
    case "auto":
      return looksLikeHtml(content.value) ? htmlToPlainText(content.value) : tidyPlainText(decodeHtmlEntities(content.value));
    case "none":
      return "";
  }
}

/**
 * `html`, `xhtml` and HTML media types are markup; `text` and other `text/*` types are plain. With no type
 * the Atom default is text, but some feeds omit it over escaped HTML, so the value is looked at.
 */
function atomKind(type: string | undefined): "html" | "text" | "auto" | "none" {
  const lower = type?.trim().toLowerCase();
  if (!lower) return "auto";
  if (lower === "html" || lower === "xhtml" || lower.includes("html")) return "html";
  if (lower === "text" || lower.startsWith("text/")) return "text";
  return "none";
}

/** Elements whose presence (closed, or void) makes a string HTML rather than text that mentions a tag. */
const HTML_ELEMENTS = new Set(
  "a abbr b big blockquote br cite code dd del div dl dt em font h1 h2 h3 h4 h5 h6 i img ins kbd li mark ol p pre q s small span strike strong sub sup table td th tr u ul wbr".split(" "),
);
const VOID_ELEMENTS = new Set(["br", "img", "wbr"]);
const OPENING_TAG = /<([A-Za-z][A-Za-z0-9]*)\b[^<>]*>/g;

function looksLikeHtml(text: string): boolean {
  if (!text.includes("<")) return false;
  const lower = text.toLowerCase();
  const checked = new Set<string>();
  for (const match of text.matchAll(OPENING_TAG)) {
    const name = match[1]!.toLowerCase();
    // Each element name is looked for once, so a long text costs at most one scan per known element.
    if (!HTML_ELEMENTS.has(name) || checked.has(name)) continue;
    checked.add(name);
    if (VOID_ELEMENTS.has(name) || lower.includes(`</${name}>`)) return true;
  }
  return false;
}

/** The first candidate that gives any text; later ones are not converted at all. */
function firstText(...candidates: Array<() => string>): string {
  for (const candidate of candidates) {
    const text = candidate();
    if (text) return text;
  }
  return "";
}

/** An RSS guid is the item's address unless it says `isPermaLink="false"` (the RSS 2.0 default is true). */
function permalinkGuid(guid: RssFeed.Guid | undefined): string | undefined {
  const value = guid?.value?.trim();
  return value && guid?.isPermaLink !== false && /^https?:\/\//i.test(value) ? value : undefined;
}

/** The link an Atom feed or entry is about: `rel="alternate"`, which is also what a missing `rel` means. */
function alternateLink(links: ReadonlyArray<{ href?: string; rel?: string; type?: string }> | undefined): string | undefined {
  const alternates = links?.filter((link) => link.href && (!link.rel || link.rel.trim().toLowerCase() === "alternate")) ?? [];
  return (alternates.find((link) => !link.type || /html/i.test(link.type)) ?? alternates[0])?.href;
}

function siteLink(raw: string | undefined): string | null {
  return resolveLink(raw, null);
}

/** An absolute, normalised http(s) address (tracking parameters removed); relative links resolve on the site. */
function resolveLink(raw: string | undefined, base: string | null): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  try {
    return normalizeUrl(new URL(trimmed, base ?? undefined).href);
  } catch {
    return null;
  }
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Trimmed, entity-decoded, one of each (compared without case), in first-seen order. */
function uniqueText(values: ReadonlyArray<string | undefined>): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const value of values) {
    const text = plainTitle(value);
    const key = text.toLowerCase();
    if (!text || seen.has(key)) continue;
    seen.add(key);
    result.push(text);
  }
  return result;
}

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// --- Dates ------------------------------------------------------------------------------------------------

/** The first date among the candidates that reads, as `YYYY-MM-DD`. */
function firstDate(candidates: readonly unknown[]): string | null {
  for (const candidate of candidates) {
    const date = typeof candidate === "string" ? feedDate(candidate) : normalizeDate(candidate);
    if (date) return date;
  }
  return null;
}

/** "Mon, 13 Mar 2023 10:13:50 +0000": day, month name, two- or four-digit year (RFC 822 and RFC 2822). */
const RFC822_DATE = /^\s*(?:[^\s\d,]+,?\s*)?(\d{1,2})\s+([^\s\d.,]+)\.?,?\s+(\d{4}|\d{2})(?!\d)/;

/**
 * Month abbreviations in the languages feeds are commonly written in (English, Portuguese, Spanish, German,
 * Italian, French where unambiguous): generators localise RFC 822 dates ("Seg, 24 Set 2018") though the
 * format says English.
 */
const MONTHS: Record<string, number> = {
  jan: 1, ene: 1, gen: 1,
  feb: 2, fev: 2,
  mar: 3, mae: 3, mrz: 3,
  apr: 4, abr: 4, avr: 4,
  may: 5, mai: 5, mag: 5,
  jun: 6, giu: 6,
  jul: 7, lug: 7,
  aug: 8, ago: 8, aou: 8,
  sep: 9, set: 9,
  oct: 10, out: 10, okt: 10, ott: 10,
  nov: 11,
  dec: 12, dez: 12, dic: 12,
};

/**
 * An RFC 822 date is read as the day the publisher wrote, whatever the time zone of this machine; other
 * forms (ISO 8601 from Atom, JSON Feed and `dc:date`) go to {@link normalizeDate}.
 */
function feedDate(raw: string): string | null {
  const match = RFC822_DATE.exec(raw);
  if (match) {
    const [, day, monthName, yearText] = match as unknown as [string, string, string, string];
    const month = MONTHS[monthName.normalize("NFD").replace(/[\u0300-\u036f]/g, "").slice(0, 3).toLowerCase()];
    const year = yearText.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
    if (month) {
      const date = normalizeDate(`${year}-${String(month).padStart(2, "0")}-${day.padStart(2, "0")}`);
      if (date) return date;
    }
  }
  return normalizeDate(raw);
}

// --- Decoding ---------------------------------------------------------------------------------------------

/** Decodes feed bytes: byte-order mark, XML declaration, HTTP charset, then UTF-8 or windows-1252. */
function decodeFeedBytes(bytes: Uint8Array, contentType: string | null | undefined): string {
  const bom = byteOrderMark(bytes);
  // A BOM is certain; TextDecoder removes it.
  if (bom) return new TextDecoder(bom).decode(bytes);
  for (const label of [xmlDeclaredEncoding(bytes), charsetOf(contentType)]) {
    const encoding = label ? knownEncoding(label) : null;
    if (encoding) return new TextDecoder(encoding).decode(bytes);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 and nothing declared: the feed predates UTF-8 defaults and is almost always Latin-1.
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

function byteOrderMark(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}

const XML_DECLARATION_ENCODING = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/;

function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  // The declaration is ASCII in every encoding it can name without a BOM.
  const head = String.fromCharCode(...bytes.subarray(0, 256));
  return XML_DECLARATION_ENCODING.exec(head)?.[1] ?? null;
}

function charsetOf(contentType: string | null | undefined): string | null {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1] ?? null;
}

/** The encoding a label names, if TextDecoder knows it; UTF-16 without a BOM is a false declaration (it was read as ASCII). */
function knownEncoding(label: string): string | null {
  try {
    const encoding = new TextDecoder(label).encoding;
    return encoding.startsWith("utf-16") ? null : encoding;
  } catch {
    return null;
  }
}

// --- Errors -----------------------------------------------------------------------------------------------

/** Leading whitespace, processing instructions and comments, before the first element or doctype. */
const PROLOG_PART = /\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/y;
const HTML_START = /<(?:!doctype\s+html|html|head|body)\b[^>]*>?/iy;

/** When the document is a web page: a sentence saying so, with the page's own feed address if it names one. */
function describeHtmlPage(text: string): string | null {
  PROLOG_PART.lastIndex = 0;
  let position = 0;
  for (let match = PROLOG_PART.exec(text); match && match[0].length > 0; match = PROLOG_PART.exec(text)) position = PROLOG_PART.lastIndex;
  HTML_START.lastIndex = position;
  const start = HTML_START.exec(text);
  if (!start) return null;
  const feedLink = alternateFeedLink(text);
  const advice = feedLink
    ? `The page names its feed: use ${feedLink} instead.`
    : "Use the address of the site's RSS or Atom feed instead (often linked as \"RSS\", or at /feed or /rss).";
  return `This is an HTML page, not a feed (it starts with ${shorten(start[0], 40)}). ${advice}`;
}

const LINK_TAG = /<link\b[^>]*>/gi;
const FEED_TYPE = /\btype\s*=\s*["']?application\/(?:rss|atom|feed|rdf)\+(?:xml|json)/i;

/** The `href` of the page's first `<link rel="alternate" type="application/rss+xml">` (or Atom, JSON Feed). */
function alternateFeedLink(html: string): string | null {
  for (const match of html.slice(0, 200_000).matchAll(LINK_TAG)) {
    const tag = match[0];
    if (!/\brel\s*=\s*["']?[^"'>]*\balternate\b/i.test(tag) || !FEED_TYPE.test(tag)) continue;
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    const value = href?.[1] ?? href?.[2] ?? href?.[3];
    if (value?.trim()) return decodeHtmlEntities(value.trim());
  }
  return null;
}

function describeBrokenXml(text: string, error: InstanceType<typeof import("feedsmith").MalformedError>): string {
  const format = { rss: "an RSS", atom: "an Atom", rdf: "an RDF (RSS 1.0)", json: "a" }[detectFormat(text)];
  const cause = error.cause instanceof Error ? `: ${error.cause.message.split("\n")[0]}` : "";
  return `This looks like ${format} feed, but its XML is broken${cause}. Only the publisher can fix it; try again later.`;
}

function describeUnrecognized(text: string): string {
  const trimmed = text.trim();
  let found: string;
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const jsonError = jsonParseError(trimmed);
    found = jsonError
      ? `it looks like JSON but does not parse (${jsonError})`
      : 'it is JSON, but not a JSON Feed (that needs a "version" such as "https://jsonfeed.org/version/1.1", a "title" and "items")';
  } else if (trimmed.startsWith("<")) {
    const root = /<([A-Za-z_][\w.:-]*)/.exec(trimmed.replace(/^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>|\s+)*/, ""));
    found = root ? `its first element is <${root[1]}>, where a feed has <rss>, <feed> or <rdf:RDF>` : `it starts with ${shorten(trimmed, 40)}`;
  } else {
    found = `it starts with "${shorten(trimmed, 40)}"`;
  }
  return `This is not an RSS, Atom, RDF or JSON feed: ${found}. Check that the address serves the feed itself.`;
}

function jsonParseError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function shorten(text: string, length: number): string {
  const flat = squash(text);
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}
