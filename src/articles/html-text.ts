import { createRequire } from "node:module";

// Loaded on first use (its CommonJS build, synchronously): most commands never turn HTML into text, and
// loading it costs start-up time.
const load = () => createRequire(import.meta.url)("html-to-text") as typeof import("html-to-text");

/**
 * How HTML becomes article text: no images or media, links as their words only (no URL in brackets), headings
 * as written (not upper-cased), quotes as plain paragraphs (no `>` prefix), list items as `• ` lines, nothing
 * from scripts, styles or forms.
 * Compiled once: compiling the selectors is the slow part of html-to-text.
 */
let converter: ((html: string) => string) | undefined;
const convert = (html: string) => (converter ??= compileConverter())(html);
const compileConverter = () => load().compile({
  wordwrap: false,
  selectors: [
    { selector: "img", format: "skip" },
    { selector: "picture", format: "skip" },
    { selector: "svg", format: "skip" },
    { selector: "video", format: "skip" },
    { selector: "audio", format: "skip" },
    { selector: "iframe", format: "skip" },
    { selector: "script", format: "skip" },
    { selector: "style", format: "skip" },
    { selector: "noscript", format: "skip" },
    { selector: "template", format: "skip" },
    { selector: "form", format: "skip" },
    { selector: "button", format: "skip" },
    { selector: "hr", format: "skip" },
    { selector: "a", options: { ignoreHref: true } },
    { selector: "blockquote", format: "block", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: "figure", format: "block", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    ...(["h1", "h2", "h3", "h4", "h5", "h6"] as const).map((selector) => ({
      selector,
      options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
    })),
    { selector: "ul", options: { itemPrefix: "• " } },
    // A table reads row by row, its cells apart by a space (layout tables included).
    { selector: "table", format: "block" },
    { selector: "tr", format: "block", options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: "td", format: "inlineSurround", options: { suffix: " " } },
    { selector: "th", format: "inlineSurround", options: { suffix: " " } },
  ],
});

/**
 * Turns an HTML fragment or page into plain text in the article body convention: entities decoded, paragraphs
 * separated by a blank line, lines trimmed, runs of spaces collapsed. Images are dropped and links keep only
 * their words. Never throws; an empty or text-free input gives `""`.
 *
 * @example htmlToPlainText("<p>MiCA &amp; stablecoins</p><p>Second <a href='/x'>paragraph</a><img src='a.png'></p>")
 * // "MiCA & stablecoins\n\nSecond paragraph"
 */
export function htmlToPlainText(html: string): string {
  if (!html.trim()) return "";
  return tidyPlainText(convert(html));
}

/**
 * Tidies text that is already plain: Windows and old Mac line ends become `\n`, tabs and unusual spaces
 * (no-break, thin, …) become one space, zero-width spaces and stray byte-order marks go, every line is
 * trimmed, and more than one blank line in a row becomes one, so paragraphs stay apart by exactly a blank line.
 */
export function tidyPlainText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u200b\ufeff]/g, "")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** `&name;`, `&#8217;` or `&#x2019;`: only complete references, so "AT&T" and "Q&A" stay as written. */
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
const namedEntities = new Map<string, string>();

/**
 * Decodes HTML character references (`&amp;`, `&rsquo;`, `&#8217;`) in text that is otherwise plain, leaving
 * anything that looks like a tag (`<3`, `</a>`) alone. Unknown names stay as written.
 *
 * @example decodeHtmlEntities("Q&amp;A: I &lt;3 MiCA") // "Q&A: I <3 MiCA"
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (reference, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name === undefined) {
      const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? "", 16);
      const valid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
      return valid ? String.fromCodePoint(codePoint) : reference;
    }
    let decoded = namedEntities.get(name);
    if (decoded === undefined) {
      // html-to-text knows the whole HTML entity table; one lookup per distinct name, then the cache answers.
      decoded = convert(reference) || " ";
      // Bounded: a hostile document full of invented names cannot grow it without end.
      if (namedEntities.size < 4096) namedEntities.set(name, decoded);
    }
    return decoded;
  });
}
