import { type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed, ButtonStyle, ComponentType, EmbedBuilder, escapeMarkdown } from "discord.js";
import type { Article } from "../../src/articles/article.js";
import type { Answer, ArticleSummary, Citation } from "../../src/search/answer.js";
import { formatDate } from "../../src/search/answer.js";

/** Discord's limits (characters). */
export const DISCORD_LIMITS = { content: 2000, description: 4096, title: 256, fieldValue: 1024, footer: 2048, embedsTotal: 6000, embeds: 10 } as const;

/** The characters italics are written with. */
const ITALIC_MARKS = /[*_]/;

/** Never ping anyone: every message regbot sends carries this. */
export const NO_PINGS = { parse: [] as [], repliedUser: false, users: [] as string[], roles: [] as string[] };

/**
 * Escapes user and article text for Discord markdown, and defuses mentions: `@everyone`, `@here`, `<@…>`,
 * `<@&…>` and `<#…>` are shown but can never ping (allowed_mentions is also empty on every message).
 */
export function escapeDiscord(text: string): string {
  // Custom-emoji markup ("<:name:id>") is shown as text: discord.js leaves every _ after a "<:" on its line
  // unescaped, so a snippet quoting one would turn the rest of its line italic.
  const shown = text.replace(/<(a?):/g, "<\u200b$1:");
  // Italics are escaped only where there is a * or _ to escape: discord.js looks for them with a regex whose
  // lookbehind reads back through the text at every position, a cost that grows with the square of its length.
  return escapeMarkdown(shown, { heading: true, bulletedList: true, numberedList: true, maskedLink: true, italic: ITALIC_MARKS.test(shown) })
    .replace(/@(everyone|here)/gi, "@\u200b$1")
    .replace(/<(@[!&]?|#)(\d+)>/g, "<\u200b$1$2>");
}

/** Cuts text to at most `max` characters, at a word when one ends near the end, marking the cut with "…". */
export function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const space = room.lastIndexOf(" ");
  return `${space > max / 2 ? room.slice(0, space) : room}…`;
}

/** Escapes `text` and cuts it (before escaping, so no escape is cut in half) to fit `max` characters. */
export function escapedWithin(text: string, max: number): string {
  for (let room = max; ; ) {
    const escaped = escapeDiscord(cutTo(text, room));
    if (escaped.length <= max || room === 1) return escaped.slice(0, max);
    room = Math.max(1, room - (escaped.length - max));
  }
}

/** The URL made safe for a markdown link or an embed, or `null` when it is not http(s). */
export function safeUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url.replace(/\)/g, "%29").replace(/\s/g, "%20") : null;
}

/** Source and date, escaped. */
export function facts(article: ArticleSummary): string {
  return [article.source, article.publishedAt ? formatDate(article.publishedAt) : null].filter(Boolean).map((s) => escapeDiscord(String(s))).join(", ");
}

/** Stand-ins for the bold markers while a snippet is escaped: private-use characters, which escaping leaves alone. */
const BOLD_OPEN = "\ue000";
const BOLD_CLOSE = "\ue001";
const STAND_INS = /[\ue000\ue001]/g;

/** The snippet with its highlights in bold, everything else escaped. */
function snippetMarkdown(citation: Citation): string {
  const { text, highlights } = citation.snippet;
  // Escaped in one go with the highlights marked by stand-ins: escaping each piece apart cost a tenth of a
  // millisecond per answer. Stand-ins that the article itself contains are dropped, so only ours become bold.
  const piece = (from: number, to: number) => text.slice(from, to).replace(STAND_INS, "");
  let marked = "";
  let at = 0;
  for (const [start, end] of highlights) {
    marked += `${piece(at, start)}${BOLD_OPEN}${piece(start, end)}${BOLD_CLOSE}`;
    at = end;
  }
  marked += piece(at, text.length);
  return escapeDiscord(marked.replace(/\s+/g, " "))
    .replace(STAND_INS, "**")
    .replace(/\*\*\*\*/g, "");
}

/** One citation as embed markdown: number, linked title, source and date, the quoted snippet. */
export function citationMarkdown(citation: Citation): string {
  const title = escapeDiscord(cutTo(citation.article.title, 200));
  const url = safeUrl(citation.article.url);
  const meta = facts(citation.article);
  return `**[${citation.n}]** ${url ? `[${title}](${url})` : `**${title}**`}${meta ? ` — ${meta}` : ""}\n> ${snippetMarkdown(citation)}`;
}

/**
 * An answer as one embed (within Discord's limits). With no citations: the notice and suggestions. Plain API
 * objects rather than builders, here and in {@link answerButtons}: every answer goes through them, and the
 * builders' validation took a tenth of a millisecond per answer to check limits this code already keeps.
 */
export function answerEmbed(answer: Answer, citations: readonly Citation[] = answer.citations): APIEmbed {
  const parts: string[] = [];
  if (answer.notice) parts.push(citations.length ? `*${escapeDiscord(answer.notice)}*` : escapeDiscord(answer.notice));
  for (const c of citations) parts.push(citationMarkdown(c));
  if (citations.length === 0) parts.push(answer.suggestions.map((s) => `• ${escapeDiscord(s)}`).join("\n"));
  let description = "";
  for (const part of parts) {
    const next = description ? `${description}\n\n${part}` : part;
    if (next.length > DISCORD_LIMITS.description) break;
    description = next;
  }
  const embed: APIEmbed = { description: description || "—", color: citations.length ? 0x2f80ed : 0x888888 };
  if (answer.footer && citations.length) embed.footer = { text: cutTo(answer.footer, DISCORD_LIMITS.footer) };
  return embed;
}

/** Buttons under an answer: the full article of each citation shown, and "More" when the page was full. */
export function answerButtons(citations: readonly Citation[], moreId: string | null): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  if (citations.length === 0) return [];
  const button = (customId: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary): APIButtonComponentWithCustomId => ({ type: ComponentType.Button, custom_id: customId, label, style });
  const buttons = citations.slice(0, 4).map((c) => button(`art:${c.article.id}`, `Full article [${c.n}]`, ButtonStyle.Secondary));
  if (moreId) buttons.push(button(moreId, "More", ButtonStyle.Primary));
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** A list of articles as one embed. */
export function articleListEmbed(articles: readonly ArticleSummary[], heading: string): EmbedBuilder {
  const lines = articles.map((a) => {
    const url = safeUrl(a.url);
    const title = escapeDiscord(cutTo(a.title, 200));
    const meta = [facts(a), escapeDiscord(a.jurisdictions.join(", "))].filter(Boolean).join(" · ");
    return `${url ? `[${title}](${url})` : `**${title}**`}\n${meta ? `${meta} · ` : ""}id \`${a.id}\``;
  });
  return new EmbedBuilder().setTitle(cutTo(heading, DISCORD_LIMITS.title)).setDescription(cutTo(lines.join("\n\n") || "No articles.", DISCORD_LIMITS.description));
}

/** A whole article as embeds: each within 4096 characters, all together within 6000 per message. */
export function articleEmbeds(article: Article): EmbedBuilder[][] {
  const meta = [facts(article), escapeDiscord(article.jurisdictions.join(", "))].filter(Boolean).join(" · ");
  const paragraphs = article.body.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, " ").trim()).filter(Boolean);
  const descriptions: string[] = [];
  let current = meta ? `*${meta}*` : "";
  for (const p of paragraphs) {
    // Cut first, then escape each piece: escaping at most doubles a piece (so it stays within 3800), no escape is
    // cut in half, and discord.js's escapeMarkdown, which slows down sharply on long text, only sees short pieces.
    let separator = "\n\n";
    for (const raw of chunks(p, 1900)) {
      const piece = escapeDiscord(raw);
      const next = current ? `${current}${separator}${piece}` : piece;
      if (next.length > 3800) {
        descriptions.push(current.trimEnd());
        current = piece;
      } else current = next;
      separator = "";
    }
  }
  if (current) descriptions.push(current.trimEnd());
  const url = safeUrl(article.url);
  const embeds = descriptions.map((d, i) => {
    const embed = new EmbedBuilder().setDescription(d);
    if (i === 0) {
      // Embed titles render markdown too: the title is escaped like every other article text.
      embed.setTitle(escapedWithin(article.title, DISCORD_LIMITS.title));
      if (url) embed.setURL(url);
    }
    return embed;
  });
  // Messages of at most 6000 characters of embeds each.
  const messages: EmbedBuilder[][] = [];
  let batch: EmbedBuilder[] = [];
  let size = 0;
  for (const e of embeds) {
    const n = (e.data.description?.length ?? 0) + (e.data.title?.length ?? 0);
    if (batch.length && (size + n > DISCORD_LIMITS.embedsTotal || batch.length >= DISCORD_LIMITS.embeds)) {
      messages.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(e);
    size += n;
  }
  if (batch.length) messages.push(batch);
  return messages;
}

/** Cuts text into pieces of at most `max` characters, after a space when one is near the end; joined they are the text. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const space = rest.lastIndexOf(" ", max - 1);
    const at = space > max / 2 ? space + 1 : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest) out.push(rest);
  return out;
}
