import { DiscordAPIError, EmbedBuilder, HTTPError, RateLimitError, Routes, type REST } from "discord.js";
import type { Article } from "../../src/articles/article.js";
import { alertLead, type AlertMessage, type AlertOutcome, type AlertSender } from "../../src/alerts/dispatch.js";
import { cutTo, DISCORD_LIMITS, escapeDiscord, escapedWithin, facts, safeUrl } from "./render.js";

/** Longest excerpt under a single alert, in characters (before escaping). */
const LEAD_MAX = 300;
/** Longest title in a digest line, in characters (before escaping): ten lines must fit one description. */
const DIGEST_TITLE_MAX = 200;
/** Discord refuses longer embed URLs. */
const URL_MAX = 2048;
const ALERT_COLOR = 0x2f80ed;

/**
 * Discord's error codes that mean the bot cannot post in the channel (any more): Unknown Channel, Unknown Guild,
 * Missing Access, Cannot send messages to this user, Missing Permissions, Thread archived, Thread locked.
 */
const CANNOT_POST = new Set([10003, 10004, 50001, 50007, 50013, 50083, 160005]);

const urlOf = (article: Article) => {
  const url = safeUrl(article.url);
  return url && url.length <= URL_MAX ? url : null;
};

/** Source, date and jurisdictions, escaped. */
const metaOf = (article: Article) => [facts(article), escapeDiscord(article.jurisdictions.join(", "))].filter(Boolean).join(" · ");

/** Which of the channel's subscriptions asked for this (nothing when it takes all regulation news). A footer shows no markdown. */
function footerOf(queries: readonly string[]): string | null {
  const named = queries.filter(Boolean);
  return named.length ? cutTo(`Subscription: ${named.join(", ")}`, 1000) : null;
}

/**
 * An alert as one embed within Discord's limits (title 256, description 4096, 6000 in all): one article with its
 * excerpt, its title linked; or a digest titled "N new regulation articles" listing up to ten, each linked, with
 * the rest counted. Every piece of article text is escaped, mentions defused.
 */
export function alertEmbed(message: AlertMessage): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(ALERT_COLOR);
  const footer = footerOf(message.queries);
  if (footer) embed.setFooter({ text: footer });
  const [first] = message.articles;
  if (!first) return embed.setDescription("—");
  if (message.articles.length === 1 && message.more === 0) {
    embed.setAuthor({ name: "New regulation article" }).setTitle(escapedWithin(first.title, DISCORD_LIMITS.title));
    const url = urlOf(first);
    if (url) embed.setURL(url);
    const meta = metaOf(first);
    const lead = alertLead(first, LEAD_MAX);
    const description = [meta ? `*${meta}*` : "", lead ? `> ${escapeDiscord(lead)}` : "", `id \`${first.id}\` — \`/article id:${first.id}\``].filter(Boolean).join("\n\n");
    return embed.setDescription(cutTo(description, DISCORD_LIMITS.description));
  }
  const total = message.articles.length + message.more;
  embed.setTitle(`${total} new regulation articles`);
  const lines = message.articles.map((a) => {
    const title = escapeDiscord(cutTo(a.title, DIGEST_TITLE_MAX));
    const url = urlOf(a);
    const meta = metaOf(a);
    return `• ${url ? `[${title}](${url})` : `**${title}**`}${meta ? ` — ${meta}` : ""} · id \`${a.id}\``;
  });
  const build = (shown: number) => {
    const hidden = total - shown;
    return [...lines.slice(0, shown), hidden > 0 ? `and ${hidden} more — \`/latest\`` : ""].filter(Boolean).join("\n");
  };
  let shown = lines.length;
  let description = build(shown);
  while (description.length > DISCORD_LIMITS.description && shown > 1) description = build(--shown);
  return embed.setDescription(cutTo(description, DISCORD_LIMITS.description));
}

/** What a failed post means for the channel's subscriptions. */
function outcomeOf(error: unknown): AlertOutcome {
  if (error instanceof DiscordAPIError) {
    const said = `Discord said “${error.message}” (${error.code})`;
    if ((typeof error.code === "number" && CANNOT_POST.has(error.code)) || error.status === 403) return { status: "pause", reason: said };
    return { status: "retry", reason: said };
  }
  if (error instanceof RateLimitError) return { status: "retry", reason: `rate limited for ${error.timeToReset} ms` };
  if (error instanceof HTTPError) return { status: "retry", reason: `Discord answered ${error.status}` };
  return { status: "retry", reason: `Discord could not be reached: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Sends alerts through Discord's REST API only (no gateway: it works the same when the gateway runs in shard
 * processes): one embed per message, and `allowed_mentions` that ping no one. A channel that is gone or forbids
 * the bot (10003, 50001, 50013, 50007, any 403) pauses; rate limits, 5xx and network failures are retried next
 * round (the REST client first waits out 429s and retries 5xx itself).
 */
export function createDiscordAlertSender(rest: REST): AlertSender {
  return async (message) => {
    try {
      await rest.post(Routes.channelMessages(message.chatId), { body: { embeds: [alertEmbed(message).toJSON()], allowed_mentions: { parse: [] } } });
      return { status: "sent" };
    } catch (error) {
      return outcomeOf(error);
    }
  };
}
