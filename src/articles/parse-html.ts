import { createRequire } from "node:module";
import type { ArticleDraft } from "./article.js";
import { normalizeDate, normalizeUrl } from "./article.js";
import { htmlToPlainText } from "./html-text.js";

// Loaded on first use (their CommonJS builds, synchronously): only ingesting an HTML page needs them, and
// loading them costs every command start-up time.
let libs: { parseHTML: typeof import("linkedom").parseHTML; Readability: typeof import("@mozilla/readability").Readability } | undefined;
const dom = () => {
  if (!libs) {
    const require = createRequire(import.meta.url);
    libs = { parseHTML: (require("linkedom") as typeof import("linkedom")).parseHTML, Readability: (require("@mozilla/readability") as typeof import("@mozilla/readability")).Readability };
  }
  return libs;
};

/** Options of {@link parseHtmlPage}. */
export interface ParseHtmlOptions {
  /** Where the page was fetched from: the article's URL when the page names no canonical or `og:url`. */
  url?: string | null;
}

/**
 * Reads an article page (the HTML of one news story) into a draft: title, plain-text body, URL, source,
 * publication date, author and section names. The body is found by Mozilla Readability and cleared of page
 * chrome (navigation, captions, share and related-story links, footers); metadata comes from Open Graph and
 * other meta tags, JSON-LD and the page itself. Never throws: a page that cannot be read gives `{ error }`.
 *
 * @example
 * const draft = parseHtmlPage(html, { url: "https://news.example/mica" });
 * if ("error" in draft) console.warn(draft.error);
 */
export function parseHtmlPage(html: string, options: ParseHtmlOptions = {}): ArticleDraft | { error: string } {
  if (!html.trim()) return { error: "the page is empty (expected the HTML of an article page)" };
  if (FEED.test(html.slice(0, 4096))) return { error: "this is an RSS or Atom feed, not an article page (give the page of one of its articles)" };
  if (!HTML_TAG.test(html)) {
    return { error: "not an HTML page: it has no tags such as <html>, <body> or <p> (save plain text as .txt, Markdown as .md)" };
  }
  try {
    // linkedom builds no <html> and <body> around a fragment (a browser would): without them it keeps only
    // the first element.
    const page = /<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
    return parseDocument(dom().parseHTML(page).document as DomDocument, options);
  } catch (error) {
    // linkedom and Readability are forgiving; this only guards against a page that breaks them anyway.
    return { error: `the page could not be read as HTML (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** A feed's root element, after an XML declaration and comments. Each comment is matched without backtracking. */
const FEED = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]/i;

/** Any of these tags makes the text HTML (an RSS feed or a JSON file has none of them). */
const HTML_TAG = /<(?:!doctype\s+html|html|head|body|title|meta|article|main|section|div|p|h[1-6])[\s>/]/i;

const NO_ARTICLE = "no article text found on this page (is it an index or a login page?)";

/** Fewer words than this is a teaser or a form, not an article. */
const MIN_BODY_WORDS = 10;

function parseDocument(document: DomDocument, options: ParseHtmlOptions): ArticleDraft | { error: string } {
  // Readability rewrites the document, so everything outside the article body is read first.
  const metas = readMetaTags(document);
  const ld = readJsonLd(document);
  const siteName = metas.get("og:site_name") ?? ld.publisherName;
  const title = readTitle(document, metas, [siteName, metas.get("application-name"), ld.publisherName]);
  const url = readUrl(document, metas, options.url);
  const publishedAt = readPublishedAt(document, metas, ld);
  const metaAuthor = cleanAuthor(metas.get("author")) ?? cleanAuthor(metas.get("article:author")) ?? ld.author;
  const categories = unique([...metas.getAll("article:section"), ...metas.getAll("og:article:section"), ...metas.getAll("article:tag"), ...ld.sections]);

  removeChrome(document);
  const article = new (dom().Readability)<DomElement>(document, { serializer: (node) => node as DomElement }).parse();
  if (!article?.content) return { error: NO_ARTICLE };
  removeChromeFromArticle(article.content);
  const text = htmlToPlainText(article.content.innerHTML);
  if (text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length < MIN_BODY_WORDS) return { error: NO_ARTICLE };

  const resolvedTitle = title ?? stripSiteSuffix(squash(article.title ?? ""), [siteName], true);
  if (!resolvedTitle) return { error: "the page has no title (no og:title, <h1> or <title>)" };
  // Readability drops a heading that repeats its own idea of the title, which may differ from ours.
  const [first = "", ...rest] = text.split("\n\n");
  const body = first.toLowerCase() === resolvedTitle.toLowerCase() && rest.length > 0 ? rest.join("\n\n") : text;
  return {
    title: resolvedTitle,
    body,
    url,
    source: siteName,
    publishedAt,
    // A meta tag names the page's own author; Readability's byline may be scraped from a teaser of another story.
    author: metaAuthor ?? cleanAuthor(article.byline),
    ...(categories.length > 0 ? { categories } : {}),
  };
}

/** Meta tags by lower-cased `property`, `name` or `itemprop`, in page order. */
interface MetaTags {
  get(key: string): string | null;
  getAll(key: string): string[];
}

function readMetaTags(document: DomDocument): MetaTags {
  const byKey = new Map<string, string[]>();
  for (const meta of document.querySelectorAll("meta[content]")) {
    const content = squash(meta.getAttribute("content") ?? "");
    if (!content) continue;
    for (const attribute of ["property", "name", "itemprop"]) {
      const key = meta.getAttribute(attribute)?.trim().toLowerCase();
      if (key) byKey.set(key, [...(byKey.get(key) ?? []), content]);
    }
  }
  return {
    get: (key) => byKey.get(key)?.[0] ?? null,
    getAll: (key) => byKey.get(key) ?? [],
  };
}

/** What the page's JSON-LD says about the article. */
interface JsonLdFacts {
  datePublished: unknown;
  author: string | null;
  publisherName: string | null;
  sections: string[];
}

const ARTICLE_TYPES = /^(article|newsarticle|reportagenewsarticle|analysisnewsarticle|opinionnewsarticle|backgroundnewsarticle|blogposting|socialmediaposting|liveblogposting|report|webpage)$/i;

function readJsonLd(document: DomDocument): JsonLdFacts {
  const nodes: Record<string, unknown>[] = [];
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    const text = (script.textContent ?? "").replace(/^\s*(?:<!--|\/\/\s*<!\[CDATA\[)|(?:-->|\/\/\s*\]\]>)\s*$/g, "");
    try {
      collectLdNodes(JSON.parse(text), nodes, 0);
    } catch {
      // Invalid JSON-LD is common; the page's meta tags still count.
    }
  }
  // Article nodes first: a WebSite or Organization node has no publication date of its own.
  const typed = (node: Record<string, unknown>) => [node["@type"]].flat().some((type) => typeof type === "string" && ARTICLE_TYPES.test(type));
  const ordered = [...nodes.filter(typed), ...nodes.filter((node) => !typed(node))];
  const first = <T>(pick: (node: Record<string, unknown>) => T | null): T | null => {
    for (const node of ordered) {
      const value = pick(node);
      if (value !== null) return value;
    }
    return null;
  };
  return {
    datePublished: first((node) => (node.datePublished === undefined ? null : node.datePublished)),
    author: first((node) => cleanAuthor(ldNames(node.author).join(", "))),
    publisherName: first((node) => ldNames(node.publisher)[0] ?? null),
    sections: ordered.filter(typed).flatMap((node) => [node.articleSection].flat().filter((s): s is string => typeof s === "string")),
  };
}

function collectLdNodes(value: unknown, into: Record<string, unknown>[], depth: number): void {
  if (depth > 4 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) collectLdNodes(item, into, depth + 1);
    return;
  }
  const node = value as Record<string, unknown>;
  into.push(node);
  if (node["@graph"]) collectLdNodes(node["@graph"], into, depth + 1);
}

/** Names from a JSON-LD person or organisation: a string, `{ name }`, or a list of either. */
function ldNames(value: unknown): string[] {
  return [value].flat().flatMap((item) => {
    if (typeof item === "string") return [squash(item)];
    if (item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string") return [squash((item as { name: string }).name)];
    return [];
  }).filter(Boolean);
}

/** The title without the site's name: `og:title`, else the first `<h1>`, else `<title>`. */
function readTitle(document: DomDocument, metas: MetaTags, siteNames: Array<string | null>): string | null {
  const ogTitle = metas.get("og:title");
  // og:title is written for sharing: only a suffix that is the site's own name is cut from it.
  if (ogTitle) return stripSiteSuffix(ogTitle, siteNames, false);
  for (const h1 of document.querySelectorAll("h1")) {
    const text = squash(h1.textContent ?? "");
    if (text) return text;
  }
  const pageTitle = squash(document.querySelector("title")?.textContent ?? "");
  return pageTitle ? stripSiteSuffix(pageTitle, siteNames, true) : null;
}

/** A last " - X", " | X" or " — X" part; the head is taken greedily so only the last part is cut. */
const TITLE_SUFFIX = /^(.*\S)\s+[-|–—]\s+([^-|–—]+)$/;

/**
 * Cuts " - BBC News", " | CNN" and the like. The suffix goes when it names the site (`og:site_name`, JSON-LD
 * publisher); with `allowShort`, also when it is short and capitalised like a name (`<title>` tags carry one).
 */
function stripSiteSuffix(title: string, siteNames: Array<string | null>, allowShort: boolean): string {
  const match = TITLE_SUFFIX.exec(title);
  if (!match) return title;
  const [, head, suffix] = match as unknown as [string, string, string];
  const key = (s: string) => s.toLowerCase().replace(/^the\s+/, "").replace(/[^\p{L}\p{N}]/gu, "");
  const suffixKey = key(suffix);
  const namesSite = siteNames.some((name) => name && suffixKey && key(name) === suffixKey);
  const looksLikeName = suffix.length <= 30 && suffix.trim().split(/\s+/).length <= 4 && /^[\p{Lu}\p{N}]/u.test(suffix.trim()) && !/[.!?]$/.test(suffix.trim());
  return namesSite || (allowShort && looksLikeName && head.split(/\s+/).length >= 2) ? head : title;
}

/** `<link rel="canonical">`, else `og:url`, else the address the page was fetched from; resolved and normalised. */
function readUrl(document: DomDocument, metas: MetaTags, fetchedFrom: string | null | undefined): string | null {
  const base = normalizeUrl(fetchedFrom);
  const resolve = (raw: string | null | undefined) => {
    if (!raw?.trim()) return null;
    try {
      return normalizeUrl(new URL(raw.trim(), base ?? undefined).toString());
    } catch {
      return null;
    }
  };
  for (const link of document.querySelectorAll("link[rel][href]")) {
    if (!/(^|\s)canonical(\s|$)/i.test(link.getAttribute("rel") ?? "")) continue;
    const canonical = resolve(link.getAttribute("href"));
    if (canonical) return canonical;
  }
  return resolve(metas.get("og:url")) ?? base;
}

/** Open Graph's publication date: the strongest claim, read before JSON-LD. */
const OPEN_GRAPH_DATES = ["article:published_time", "og:article:published_time"];

/** Other meta tags (by `name`, `property` or `itemprop`) that state when, never "modified", read after JSON-LD. */
const OTHER_DATE_METAS = ["datepublished", "dc.date.issued", "dcterms.issued", "date", "pubdate", "publishdate", "publish-date", "parsely-pub-date"];

/**
 * The publication date as `YYYY-MM-DD`. Declared metadata comes before `<time>` elements, which may belong to
 * an update note, a comment or a teaser of another story.
 */
function readPublishedAt(document: DomDocument, metas: MetaTags, ld: JsonLdFacts): string | null {
  const declared = [...OPEN_GRAPH_DATES.map((key) => metas.get(key)), ld.datePublished, ...OTHER_DATE_METAS.map((key) => metas.get(key))];
  for (const candidate of declared) {
    const date = normalizeDate(candidate);
    if (date) return date;
  }
  const times = [...document.querySelectorAll("time[datetime]")].filter((time) => !/modified/i.test(time.getAttribute("itemprop") ?? ""));
  const marked = times.filter((time) => /published/i.test(time.getAttribute("itemprop") ?? "") || time.getAttribute("pubdate") !== null);
  for (const time of [...marked, ...times]) {
    const date = normalizeDate(time.getAttribute("datetime"));
    if (date) return date;
  }
  return null;
}

/** "By Erin Cunningham" becomes "Erin Cunningham"; profile URLs and over-long text are no names. */
function cleanAuthor(raw: string | null | undefined): string | null {
  const name = squash(raw ?? "").replace(/^by\s+/i, "");
  if (!name || name.length > 100 || /^(https?:|www\.)/i.test(name)) return null;
  return name;
}

/** Elements that are never article text. */
const CHROME_TAGS = [
  "title", "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button", "select", "dialog",
  "figure", "figcaption", "picture", "video", "audio", "iframe", "object", "embed", "svg", "canvas",
  '[role="navigation"]', '[role="complementary"]', '[role="contentinfo"]', '[role="dialog"]', '[role="alert"]',
  '[aria-hidden="true"]', "[hidden]",
].join(", ");

/**
 * A class or id naming page chrome: captions and credits, share bars, related and recommended stories,
 * newsletter and cookie prompts, ads, time stamps, breadcrumbs, comments. Readability scores these down but
 * keeps them when they sit inside the article's container. Not "dateline": that is the "CAIRO —" that opens
 * the first sentence.
 */
const CHROME_NAME = /caption|credit|share|sharing|social|related|recommend|newsletter|subscri|signup|sign-up|cookie|consent|gdpr|promo|sponsor|advert|outbrain|taboola|timestamp|datestamp|breadcrumb|paywall|most-?read|most-?popular|(^|[-_\s])(ads?|comments?|tags|toolbar|tools|widget|modal|popup|overlay)([-_\s]|$)/i;

/**
 * Containers of the article itself, never removed even when their class names sound like chrome. Not
 * `<article>`: related-story lists wrap each teaser in one.
 */
const ARTICLE_CONTAINER = 'main, [itemprop="articleBody"], [role="main"]';

/** Removes chrome from the whole page before Readability looks for the article, while class names still exist. */
function removeChrome(document: DomDocument): void {
  const root = document.body ?? document.documentElement;
  if (!root) return;
  for (const element of [...root.querySelectorAll(CHROME_TAGS)]) {
    if (element.isConnected && !holdsArticle(element)) element.remove();
  }
  for (const element of [...root.querySelectorAll("[class], [id]")]) {
    if (!element.isConnected) continue;
    const names = `${element.getAttribute("class") ?? ""} ${element.getAttribute("id") ?? ""}`;
    if (CHROME_NAME.test(names) && !holdsArticle(element)) element.remove();
  }
}

/**
 * Whether removing the element would remove the article: some sites wrap the whole page in a `<form>` or
 * give the article's container a class like "share-target".
 */
function holdsArticle(element: DomElement): boolean {
  if (/^(html|body|article|main)$/i.test(element.tagName)) return true;
  if (element.querySelector(ARTICLE_CONTAINER)) return true;
  let prose = 0;
  for (const paragraph of element.querySelectorAll("p")) {
    if (squash(paragraph.textContent ?? "").length >= 120 && !isLinkText(paragraph)) prose++;
    if (prose >= 3) return true;
  }
  return false;
}

/** Short blocks that only label page furniture. */
const FURNITURE_LINE =
  /^(read more|read next|related|related (stories|articles|coverage|content|links|topics)|more on this( story)?|more from .{1,40}|see also|recommended( for you)?|most (read|popular)|share( this)?( article| story| page)?|advertisement|continue reading.*|powered by .+|photo|image|video|(image|photo|picture|video) (credit|source).*|credit|source: supplied)\s*:?$/i;

/** Blocks that can be a teaser link or a furniture label on their own. */
const BLOCKS = "p, li, dt, dd, h2, h3, h4, h5, h6, blockquote, div";

/** Clears what Readability kept inside the article: media, teaser links ("Related: …") and furniture labels. */
function removeChromeFromArticle(content: DomElement): void {
  for (const element of [...content.querySelectorAll(CHROME_TAGS)]) element.remove();
  for (const element of [...content.querySelectorAll("img")]) element.remove();
  // Innermost first, so a div is judged after its own blocks are cleared. (The content is detached from the
  // document, so `isConnected` cannot tell what is gone; nothing is visited after its container went.)
  for (const block of [...content.querySelectorAll(BLOCKS)].reverse()) {
    const text = squash(block.textContent ?? "");
    // A div holding other blocks is judged by them, not as a whole.
    if (block.tagName.toLowerCase() === "div" && block.querySelector("p, div, ul, ol, h2, h3, h4, h5, h6, blockquote, table")) continue;
    if (!text || isLinkText(block) || (text.length <= 80 && FURNITURE_LINE.test(text))) block.remove();
  }
}

/** Whether the element's text is all link text, give or take brackets and punctuation ("[Read: …]"). */
function isLinkText(element: DomElement): boolean {
  const links = [...element.querySelectorAll("a")];
  if (links.length === 0) return false;
  let rest = squash(element.textContent ?? "");
  for (const link of links) rest = rest.replace(squash(link.textContent ?? ""), "");
  return !/[\p{L}\p{N}]/u.test(rest);
}

/** Collapses runs of whitespace to one space and trims. */
function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map(squash).filter(Boolean))];
}

/** The part of linkedom's DOM this parser uses (the project compiles without the DOM library). */
interface DomElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly innerHTML: string;
  readonly isConnected: boolean;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement>;
  remove(): void;
}

interface DomDocument {
  readonly body: DomElement | null;
  readonly documentElement: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement>;
}
