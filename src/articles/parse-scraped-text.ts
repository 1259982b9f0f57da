import type { ArticleDraft } from "./article.js";
import { normalizeDate } from "./article.js";

/** Lines that are page furniture, wherever they stand: ads, share and follow prompts, tags, related links. */
const FURNITURE = [
  /^-?\s*advertisement\s*-?$/i,
  /^(join us|share( this)?( article| story| post| on \w+)?|tweet|print|email|comments?|leave a (comment|reply))[.!:]?$/i,
  /^follow us\b.*$/i,
  /^(tags?|topics?|filed under|categories|category)\s*:.*$/i,
  // Without a colon only a short label counts ("Read more", "Trending now"), so "Popular exchanges said…" stays.
  /^(related|related (stories|articles|posts|news|reading)|read more|read also|also read|see also|more from|recommended|trending|popular)\b(\s*:.*|[^.]{0,60})$/i,
  /^(subscribe|sign up|newsletter|get the latest)\b.*$/i,
  /^(©|\(c\)|copyright)\b.*$/i,
  /^all rights reserved\.?$/i,
  /^(click here|disclaimer)\b.*$/i,
];

const DATE_IN_LINE =
  /\b(\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4})\b/i;

/**
 * Cleans a scraped news page in its raw form: the site's category glued to the title on the first line
 * ("Cryptocurrency NewsChina Warns…"), the title repeated, perhaps a byline or date line, the text, then page
 * furniture (share, follow, tags, related stories, ads). The category is learnt from the repeated title, not
 * from a list, so pages from any site come out clean.
 */
export function parseScrapedText(text: string): ArticleDraft | { error: string } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/\s+$/u, "").replace(/^\uFEFF/, ""));
  const nonEmpty = lines.map((l, i) => ({ text: l.trim(), i })).filter((l) => l.text.length > 0);
  if (nonEmpty.length === 0) return { error: "the file holds no text" };

  const first = nonEmpty[0]!;
  let title = first.text;
  const drop = new Set<number>([first.i]);
  // The title is a later line (among the next few) that the first line ends with, or equals.
  for (const candidate of nonEmpty.slice(1, 6)) {
    if (candidate.text.length >= 10 && first.text.endsWith(candidate.text)) {
      title = candidate.text;
      drop.add(candidate.i);
      break;
    }
  }

  let publishedAt: string | null = null;
  let source: string | null = null;
  // A byline or date line right below the title.
  for (const candidate of nonEmpty.filter((l) => !drop.has(l.i)).slice(0, 3)) {
    // A byline does not end like a sentence: "By 2025, every exchange must…" is article text.
    const isByline = /^(by|posted|published|updated|written by)\b/i.test(candidate.text) && !/[.!?]$/.test(candidate.text);
    const date = DATE_IN_LINE.exec(candidate.text);
    // A bare date line holds little besides the date; "On March 3, 2021 the SEC fined an exchange." is text.
    const dateLine = date !== null && candidate.text.replace(date[0], "").split(/\s+/).filter((w) => /\p{L}/u.test(w)).length <= 3;
    if (candidate.text.length <= 140 && (isByline || (dateLine && candidate.text.length <= 60))) {
      if (date) publishedAt = normalizeDate(date[1]!.replace(/(\w{3})[a-z]*\.?/i, "$1"));
      drop.add(candidate.i);
      break;
    }
  }
  for (const line of nonEmpty) {
    const m = /^source\s*:\s*(.{2,80})$/i.exec(line.text);
    if (m) {
      source = m[1]!.trim();
      drop.add(line.i);
    }
  }

  for (const line of nonEmpty) if (FURNITURE.some((re) => re.test(line.text))) drop.add(line.i);
  // Trailing short lines without sentence punctuation are furniture too (site names, button labels).
  for (let k = nonEmpty.length - 1; k > 0; k--) {
    const line = nonEmpty[k]!;
    if (drop.has(line.i)) continue;
    if (line.text.length < 60 && !/[.!?"”’)]$/.test(line.text)) drop.add(line.i);
    else break;
  }

  const paragraphs: string[] = [];
  let current: string[] = [];
  lines.forEach((line, i) => {
    if (drop.has(i) || line.trim() === "") {
      if (current.length) paragraphs.push(current.join(" "));
      current = [];
      return;
    }
    current.push(line.trim());
  });
  if (current.length) paragraphs.push(current.join(" "));
  const body = paragraphs.join("\n\n");
  if (!body) return { error: "no article text was left after removing the page furniture" };
  return { title, body, publishedAt, source };
}
