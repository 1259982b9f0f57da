/**
 * A fake Discord API (REST + gateway) for tests, built on node:http and the `ws` package.
 *
 * Point a real discord.js client at it:
 *
 *   const fake = await startFakeDiscord();
 *   const client = new Client({ intents: [...], rest: { api: fake.apiRoot } });
 *   await client.login(fake.token);
 *
 * How discord.js 14.28 (with @discordjs/rest 2.6 and @discordjs/ws 1.2) talks to it:
 * - REST calls go to `${rest.api}/v10${route}`; the fake strips `/api` and the `/vN` segment, so recorded paths look like
 *   Discord's routes (`/channels/800000000000000010/messages`).
 * - On login the WebSocket manager calls `GET /gateway/bot` and connects to `${url}?v=10&encoding=json`. The fake hands
 *   out `ws://127.0.0.1:PORT` as the url (and as READY's `resume_gateway_url`), served by the same HTTP server.
 * - discord.js asks for `compress=zlib-stream` only when the optional `zlib-sync` package is installed (it is not here),
 *   so by default the gateway speaks plain JSON text frames. The fake still supports zlib-stream (one shared deflate
 *   context per connection, each payload flushed with Z_SYNC_FLUSH) and IDENTIFY `compress: true` (each payload
 *   zlib-deflated on its own), so it keeps working if zlib-sync gets installed.
 *   Only `encoding=json` is served (@discordjs/ws 1.2 cannot do ETF anyway).
 * - Interaction callbacks and interaction webhooks are sent without an Authorization header (as Discord allows);
 *   every other route needs `Authorization: Bot <token>`.
 * - The guild has roles by position (the bot's own "regbot" role is 2, below "Veteran", "Head Moderator" and "Admin")
 *   and keeps the members dispatched events show (callers, authors, resolved USER options): they can be fetched,
 *   timed out (PATCH, at most 28 days), kicked (DELETE) and banned (PUT /bans, anyone), and DM'd.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import zlib from "node:zlib";
import { WebSocket, WebSocketServer, type RawData } from "ws";

export interface RecordedRequest {
  /** Upper case, e.g. "POST". */
  method: string;
  /** The route without `/api/v10` and without the query string, e.g. "/interactions/123/itoken-1/callback". */
  path: string;
  /** Parsed JSON body; for multipart/form-data the parsed `payload_json` part (or the text fields); null when empty. */
  body: any;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** Query string parameters (e.g. `{ with_response: "false" }`, `{ wait: "true" }`). Not in the brief's API; extra. */
  query: Record<string, string>;
}

type PathMatch = { method?: string; path: RegExp | string };

export interface FakeDiscord {
  /** "http://127.0.0.1:PORT/api" (pass as the `rest.api` client option). */
  readonly apiRoot: string;
  /** The accepted bot token. REST with another → 401; IDENTIFY/RESUME with another → close 4004. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: object;
  /** The one guild (the shape of GET /guilds/:id); GUILD_CREATE adds the gateway-only fields. */
  readonly guild: object;
  /** Every REST request except GET /gateway/bot, in arrival order (401s, 404s and failed ones included). */
  readonly requests: RecordedRequest[];
  /** Resolves with the first IDENTIFY payload (`d`) received (whatever its token). */
  readonly identified: Promise<object>;
  /** Dispatch a gateway event (op 0) with an increasing sequence number, e.g. dispatch("INTERACTION_CREATE", interaction). */
  dispatch(type: string, data: object): void;
  /** Resolves with matching requests once at least `count` are recorded; rejects after timeoutMs (default 5000) listing what was seen. */
  waitForRequest(match: PathMatch, count?: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Make the next `times` requests matching `path` fail with `status` and JSON body. */
  failNext(match: PathMatch, status: number, body: object, times?: number): void;
  /** Closes sockets (code 1000) and the HTTP server. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------------
// Fixed identities

// Shaped like a real bot token (base64 of the application id, a timestamp part, the secret): regbot checks the shape.
const DEFAULT_TOKEN = "OTAwMDAwMDAwMDAwMDAwMDAx.GfAkE1.fake-discord-bot-token-for-regbot-tests";
const APPLICATION_ID = "900000000000000001";
const GUILD_ID = "800000000000000001";
const GENERAL_CHANNEL_ID = "800000000000000010";
const NEWS_CHANNEL_ID = "800000000000000011";
const OWNER_ID = "700000000000000001";
/** The DM channel the builders use when `guildId` is null and no `channelId` is given. */
const DM_CHANNEL_ID = "700000000000000200";
/** When the bot "joined" the guild. */
const JOINED_AT = "2024-01-01T00:00:00.000000+00:00";

const BOT_USER = Object.freeze({
  id: "900000000000000002",
  username: "regbot",
  discriminator: "0",
  bot: true,
  global_name: null,
  avatar: null,
});

/** Permission bits the fake's roles use (Discord's numbers). */
const MANAGE_GUILD = 1n << 5n;
const ADMINISTRATOR = 1n << 3n;
const KICK_MEMBERS = 1n << 1n;
const BAN_MEMBERS = 1n << 2n;
const MODERATE_MEMBERS = 1n << 40n;

function guildRole(id: string, name: string, position: number, permissions: bigint, extra: object = {}): Record<string, any> {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
    ...extra,
  };
}

/** The bot's own (managed) role. */
const BOT_ROLE_ID = "800000000000000102";

/**
 * The guild's roles, by position. The bot has "regbot" (2, may time out, kick and ban): it outranks "Member" and
 * "Moderator" but not "Veteran", "Head Moderator" or "Admin", so a test can name a member the bot cannot act on.
 */
const ROLES = [
  guildRole(GUILD_ID, "@everyone", 0, 0n),
  guildRole("800000000000000101", "Member", 1, 0n),
  guildRole(BOT_ROLE_ID, "regbot", 2, MODERATE_MEMBERS | KICK_MEMBERS | BAN_MEMBERS, { managed: true, tags: { bot_id: BOT_USER.id } }),
  guildRole("800000000000000103", "Moderator", 3, MODERATE_MEMBERS),
  guildRole("800000000000000104", "Veteran", 4, 0n),
  guildRole("800000000000000105", "Head Moderator", 5, MODERATE_MEMBERS | MANAGE_GUILD),
  guildRole("800000000000000106", "Admin", 6, ADMINISTRATOR),
];

/** Every permission bit Discord has (and more): what the owner may do. */
const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** What a member with these roles may do in the guild (@everyone's included; the owner everything), as Discord sends it. */
function permissionsOf(userId: string, roleIds: readonly string[]): string {
  if (userId === OWNER_ID) return ALL_PERMISSIONS.toString();
  let bits = 0n;
  for (const role of ROLES) if (role.id === GUILD_ID || roleIds.includes(role.id)) bits |= BigInt(role.permissions);
  return bits.toString();
}

const DEFAULT_USER = Object.freeze({
  id: "700000000000000100",
  username: "alice",
  discriminator: "0",
  global_name: "Alice",
  avatar: null,
  public_flags: 0,
});

const DISCORD_EPOCH = 1420070400000n;
let lastSnowflake = 0n;

/** A real-looking snowflake (timestamp-based), strictly increasing across the whole test process. */
function nextSnowflake(): string {
  const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastSnowflake = fromClock > lastSnowflake ? fromClock : lastSnowflake + 1n;
  return lastSnowflake.toString();
}

let interactionTokenCounter = 0;
/** Stable ids for command names used by the builders (one id per name, like a deployed command). */
const commandIds = new Map<string, string>();

function clone<T>(value: T): T {
  return structuredClone(value);
}

function memberFields(extra: object = {}): Record<string, any> {
  return {
    nick: null,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: JOINED_AT,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    ...extra,
  };
}

function textChannel(id: string, name: string, position: number): Record<string, any> {
  return {
    id,
    type: 0,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0,
  };
}

const GUILD = Object.freeze({
  id: GUILD_ID,
  name: "Crypto Club",
  icon: null,
  splash: null,
  discovery_splash: null,
  banner: null,
  description: null,
  owner_id: OWNER_ID,
  afk_channel_id: null,
  afk_timeout: 300,
  widget_enabled: false,
  widget_channel_id: null,
  verification_level: 0,
  default_message_notifications: 0,
  explicit_content_filter: 0,
  mfa_level: 0,
  nsfw_level: 0,
  premium_tier: 0,
  premium_subscription_count: 0,
  premium_progress_bar_enabled: false,
  preferred_locale: "en-US",
  features: [],
  system_channel_id: GENERAL_CHANNEL_ID,
  system_channel_flags: 0,
  rules_channel_id: null,
  public_updates_channel_id: null,
  safety_alerts_channel_id: null,
  vanity_url_code: null,
  application_id: null,
  max_members: 500000,
  max_presences: null,
  max_video_channel_users: 25,
  max_stage_video_channel_users: 50,
  emojis: [],
  stickers: [],
  roles: ROLES,
  channels: [textChannel(GENERAL_CHANNEL_ID, "general", 0), textChannel(NEWS_CHANNEL_ID, "news", 1)],
  members: [memberFields({ user: { ...BOT_USER }, roles: [BOT_ROLE_ID] })],
});

/** The GUILD_CREATE dispatch data: the guild plus the gateway-only fields. */
function guildCreateData(): Record<string, any> {
  const guild = clone(GUILD) as Record<string, any>;
  return {
    ...guild,
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: 2,
    voice_states: [],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

function channelName(channelId: string): string | undefined {
  return GUILD.channels.find((c) => c.id === channelId)?.name;
}

// ---------------------------------------------------------------------------------------------------------------------
// Payload builders

type CommandOption = { name: string; type: number; value: string | number | boolean; focused?: boolean };
/**
 * A user a USER option (type 6, value: the user id) names, as Discord resolves it in `data.resolved`: the user
 * (partial; `id` is required), and their member fields in the guild (`roles`, `nick`, …; `permissions` defaults to
 * what the roles give). `member: null` says they are not in the guild. Outside a guild only the user is resolved.
 */
type ResolvedUser = { user: { id: string } & Record<string, unknown>; member?: Record<string, unknown> | null };
type InteractionExtra = { user?: object; member?: object; channelId?: string; guildId?: string | null; subcommand?: string; resolved?: ResolvedUser[] };
type MessageExtra = { author?: object; mentionsBot?: boolean; channelId?: string; guildId?: string | null; mentions?: object[]; mentionRoles?: string[] };

function interactionBase(type: number, extra: InteractionExtra, channelFallback?: string): Record<string, any> {
  const guildId = extra.guildId === undefined ? GUILD_ID : extra.guildId;
  const user = { ...DEFAULT_USER, ...extra.user };
  const channelId = extra.channelId ?? channelFallback ?? (guildId ? GENERAL_CHANNEL_ID : DM_CHANNEL_ID);
  const base: Record<string, any> = {
    id: nextSnowflake(),
    application_id: APPLICATION_ID,
    type,
    token: `itoken-${++interactionTokenCounter}`,
    version: 1,
    locale: "en-US",
    app_permissions: "0",
    entitlements: [],
    authorizing_integration_owners: {},
    context: guildId ? 0 : 1,
    attachment_size_limit: 10 * 1024 * 1024,
    channel_id: channelId,
  };
  if (guildId) {
    base.guild_id = guildId;
    base.guild = { id: guildId, locale: "en-US", features: [] };
    base.guild_locale = "en-US";
    base.channel = { id: channelId, type: 0, guild_id: guildId, name: channelName(channelId) ?? "channel", flags: 0, permissions: "0" };
    const member = (extra.member ?? {}) as Record<string, unknown>;
    const roles = Array.isArray(member.roles) ? (member.roles as string[]) : [];
    base.member = { ...memberFields({ permissions: permissionsOf(user.id, roles), user }), ...member };
  } else {
    base.user = user;
    base.channel = { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] };
  }
  return base;
}

function commandData(name: string, options: CommandOption[], subcommand: string | undefined, resolved?: Record<string, any>): Record<string, any> {
  let id = commandIds.get(name);
  if (!id) commandIds.set(name, (id = nextSnowflake()));
  const opts = options.map((o) => ({ ...o }));
  return { id, name, type: 1, options: subcommand ? [{ name: subcommand, type: 1, options: opts }] : opts, ...(resolved ? { resolved } : {}) };
}

/** A user with every field Discord sends, from a partial one. */
function fullUser(user: { id: string } & Record<string, unknown>): Record<string, any> {
  return { username: `user${user.id.slice(-4)}`, discriminator: "0", global_name: null, avatar: null, public_flags: 0, ...user };
}

/** `data.resolved` for USER options: users by id, and (in a guild) their members, without `user`, `deaf` and `mute`. */
function resolvedData(targets: readonly ResolvedUser[] | undefined, inGuild: boolean): Record<string, any> | undefined {
  if (!targets?.length) return undefined;
  const users: Record<string, object> = {};
  const members: Record<string, object> = {};
  for (const target of targets) {
    users[target.user.id] = fullUser(target.user);
    if (!inGuild || target.member === null) continue;
    const given = target.member ?? {};
    const { deaf: _deaf, mute: _mute, ...member } = memberFields({ permissions: permissionsOf(target.user.id, Array.isArray(given.roles) ? (given.roles as string[]) : []), ...given });
    members[target.user.id] = member;
  }
  return Object.keys(members).length > 0 ? { users, members } : { users };
}

function messageCreate(content: string, extra: MessageExtra = {}): object {
  const guildId = extra.guildId === undefined ? GUILD_ID : extra.guildId;
  const author = { ...DEFAULT_USER, ...extra.author };
  const channelId = extra.channelId ?? (guildId ? GENERAL_CHANNEL_ID : DM_CHANNEL_ID);
  const mentions: object[] = [...(extra.mentions ?? [])];
  if (extra.mentionsBot) mentions.push(guildId ? { ...BOT_USER, member: memberFields() } : { ...BOT_USER });
  const message: Record<string, any> = {
    id: nextSnowflake(),
    channel_id: channelId,
    author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: extra.mentionRoles ?? [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
    channel_type: guildId ? 0 : 1,
  };
  if (guildId) {
    message.guild_id = guildId;
    message.member = memberFields();
  }
  return message;
}

/** A message as the bot would have sent it (used to fill in what a test leaves out of `button`'s message). */
function botMessage(channelId: string, fields: Record<string, any>): Record<string, any> {
  return {
    id: nextSnowflake(),
    type: 0,
    channel_id: channelId,
    author: { ...BOT_USER },
    content: "",
    embeds: [],
    components: [],
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    flags: 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    ...fields,
  };
}

/** Builders for payloads shaped like Discord's. */
export const payloads: {
  slashCommand(name: string, options?: CommandOption[], extra?: InteractionExtra): object;
  autocomplete(name: string, options: CommandOption[], extra?: InteractionExtra): object;
  button(customId: string, message: object, extra?: InteractionExtra): object;
  messageCreate(content: string, extra?: MessageExtra): object;
} = {
  slashCommand(name, options = [], extra = {}) {
    const base = interactionBase(2, extra);
    base.data = commandData(name, options, extra.subcommand, resolvedData(extra.resolved, base.guild_id !== undefined));
    return base;
  },
  autocomplete(name, options, extra = {}) {
    const base = interactionBase(4, extra);
    const marked = options.some((o) => o.focused) ? options : options.map((o, i) => (i === options.length - 1 ? { ...o, focused: true } : o));
    base.data = commandData(name, marked, extra.subcommand);
    return base;
  },
  button(customId, message, extra = {}) {
    const given = message as Record<string, any>;
    const base = interactionBase(3, extra, typeof given.channel_id === "string" ? given.channel_id : undefined);
    base.message = botMessage(base.channel_id, given);
    base.data = { custom_id: customId, component_type: 2 };
    return base;
  },
  messageCreate,
};

// ---------------------------------------------------------------------------------------------------------------------
// REST helpers

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown): Answer => ({ status, body });
const noContent = (): Answer => ({ status: 204 });
const notFound = (): Answer => json(404, { message: "404: Not Found", code: 0 });
const unknown = (what: string, code: number): Answer => json(404, { message: `Unknown ${what}`, code });

type FormError = { path: Array<string | number>; code: string; message: string };

function formErrorAnswer(errors: FormError[]): Answer {
  const tree: Record<string, any> = {};
  for (const e of errors) {
    let node = tree;
    for (const key of e.path) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code: e.code, message: e.message });
  }
  return json(400, { message: "Invalid Form Body", code: 50035, errors: tree });
}

function maxLength(errors: FormError[], path: Array<string | number>, value: unknown, max: number): void {
  if ((typeof value === "string" || Array.isArray(value)) && value.length > max) {
    errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  }
}

/** Checks Discord's message limits (content, embeds, action rows); `prefix` is where the message sits in the body. */
function validateMessage(message: Record<string, any>, prefix: Array<string | number>): FormError[] {
  const errors: FormError[] = [];
  maxLength(errors, [...prefix, "content"], message.content, 2000);
  const embeds: unknown = message.embeds;
  if (Array.isArray(embeds)) {
    maxLength(errors, [...prefix, "embeds"], embeds, 10);
    let total = 0;
    embeds.forEach((embed: Record<string, any>, i) => {
      const at = [...prefix, "embeds", i];
      maxLength(errors, [...at, "title"], embed?.title, 256);
      maxLength(errors, [...at, "description"], embed?.description, 4096);
      maxLength(errors, [...at, "footer", "text"], embed?.footer?.text, 2048);
      maxLength(errors, [...at, "author", "name"], embed?.author?.name, 256);
      maxLength(errors, [...at, "fields"], embed?.fields, 25);
      total += String(embed?.title ?? "").length + String(embed?.description ?? "").length;
      total += String(embed?.footer?.text ?? "").length + String(embed?.author?.name ?? "").length;
      (Array.isArray(embed?.fields) ? embed.fields : []).forEach((field: Record<string, any>, j: number) => {
        for (const [key, max] of [["name", 256], ["value", 1024]] as const) {
          const value = field?.[key];
          if (typeof value !== "string" || value.length === 0) {
            errors.push({ path: [...at, "fields", j, key], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          } else {
            maxLength(errors, [...at, "fields", j, key], value, max);
            total += value.length;
          }
        }
      });
    });
    if (total > 6000) errors.push({ path: [...prefix, "embeds"], code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" });
  }
  const componentsV2 = ((Number(message.flags) || 0) & (1 << 15)) !== 0;
  if (Array.isArray(message.components) && !componentsV2) {
    maxLength(errors, [...prefix, "components"], message.components, 5);
    message.components.forEach((row: Record<string, any>, i: number) => {
      if (!Array.isArray(row?.components)) return;
      maxLength(errors, [...prefix, "components", i, "components"], row.components, 5);
      row.components.forEach((c: Record<string, any>, j: number) => {
        maxLength(errors, [...prefix, "components", i, "components", j, "custom_id"], c?.custom_id, 100);
        maxLength(errors, [...prefix, "components", i, "components", j, "label"], c?.label, 80);
      });
    });
  }
  return errors;
}

function isEmptyMessage(message: Record<string, any> | undefined): boolean {
  if (!message) return true;
  const filled = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "");
  return !["content", "embeds", "components", "attachments", "sticker_ids", "poll", "files"].some((k) => filled(message[k]));
}

const EMPTY_MESSAGE: Answer = json(400, { message: "Cannot send an empty message", code: 50006 });

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(contentType: string, raw: Buffer): Promise<any> {
  if (raw.length === 0) return null;
  const type = contentType.toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const payload = form.get("payload_json");
    if (typeof payload === "string") return JSON.parse(payload);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] = value;
    return fields;
  }
  const text = raw.toString("utf8");
  if (type.includes("json")) return JSON.parse(text);
  return text;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matches(match: PathMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  return typeof match.path === "string" ? match.path === path : new RegExp(match.path.source, match.path.flags.replace(/[gy]/g, "")).test(path);
}

function describeMatch(match: PathMatch): string {
  return `${match.method?.toUpperCase() ?? "*"} ${String(match.path)}`;
}

/** The bucket hash for the rate-limit headers: one per method and route shape (ids replaced). */
function bucketFor(method: string, path: string): string {
  const shape = path.replace(/\/\d{5,}/g, "/:id").replace(/\/(webhooks|interactions)\/:id\/[^/]+/, "/$1/:id/:token");
  return createHash("sha1").update(`${method} ${shape}`).digest("hex").slice(0, 16);
}

// ---------------------------------------------------------------------------------------------------------------------
// Gateway state

type Compression = "zlib-stream" | "identify" | null;

interface Connection {
  ws: WebSocket;
  compression: Compression;
  deflate: zlib.Deflate | null;
  /** Serializes zlib-stream sends so frames keep their order. */
  chain: Promise<void>;
  session: Session | null;
}

interface Session {
  id: string;
  seq: number;
  shard: [number, number];
  /** Every dispatch of this session, replayed on RESUME. */
  log: Array<{ op: 0; t: string; s: number; d: unknown }>;
  connection: Connection | null;
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string | null;
  acknowledged: boolean;
  /** The component's message (MESSAGE_COMPONENT interactions). */
  message: Record<string, any> | null;
  original: Record<string, any> | null;
  followUps: Map<string, Record<string, any>>;
}

interface PendingWait {
  match: PathMatch;
  count: number;
  resolve: (requests: RecordedRequest[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Failure {
  match: PathMatch;
  status: number;
  body: object;
  remaining: number;
}

function deflateStreamChunk(deflate: zlib.Deflate, data: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    deflate.write(data, (error) => error && reject(error));
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      const parts: Buffer[] = [];
      for (let chunk = deflate.read() as Buffer | null; chunk !== null; chunk = deflate.read() as Buffer | null) parts.push(chunk);
      resolve(Buffer.concat(parts));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------

export async function startFakeDiscord(options: { token?: string } = {}): Promise<FakeDiscord> {
  const token = options.token ?? DEFAULT_TOKEN;
  const requests: RecordedRequest[] = [];
  const waits = new Set<PendingWait>();
  const failures: Failure[] = [];
  const sessions = new Map<string, Session>();
  const connections = new Set<Connection>();
  /** Dispatches made while no session was live; delivered after the next READY/GUILD_CREATE. */
  const undelivered: Array<{ t: string; d: unknown }> = [];
  const interactions = new Map<string, InteractionState>();
  const interactionsByToken = new Map<string, InteractionState>();
  const messages = new Map<string, Record<string, any>>();
  const dmChannels = new Map<string, Record<string, any>>();
  /** Users seen in dispatched events, by id (the DM channel opened with one shows them). */
  const users = new Map<string, Record<string, any>>();
  /** The guild's members by user id: the bot, and whoever dispatched events show as members. */
  const members = new Map<string, Record<string, any>>(GUILD.members.map((m) => [m.user.id, clone(m) as Record<string, any>]));
  const bans = new Map<string, { user: Record<string, any>; reason: string | null }>();
  const commands = new Map<string, Array<Record<string, any>>>(); // "global" or guild id → commands
  let closed = false;

  let resolveIdentified!: (d: object) => void;
  const identified = new Promise<object>((resolve) => (resolveIdentified = resolve));
  let identifiedOnce = false;

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake Discord crashed: ${error instanceof Error ? error.message : String(error)}`, code: 0 }));
      }
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const gatewayUrl = `ws://127.0.0.1:${port}`;
  const apiRoot = `http://127.0.0.1:${port}/api`;

  // ------------------------------------------------------------------ recording, waits, failures

  function record(request: RecordedRequest): void {
    requests.push(request);
    for (const wait of waits) {
      const found = requests.filter((r) => matches(wait.match, r.method, r.path));
      if (found.length >= wait.count) {
        waits.delete(wait);
        clearTimeout(wait.timer);
        wait.resolve(found);
      }
    }
  }

  function takeFailure(method: string, path: string): Answer | null {
    const failure = failures.find((f) => f.remaining > 0 && matches(f.match, method, path));
    if (!failure) return null;
    if (--failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
    const headers: Record<string, string> = {};
    if (failure.status === 429) {
      const body = failure.body as { retry_after?: unknown; global?: unknown };
      const retryAfter = typeof body.retry_after === "number" ? body.retry_after : 1;
      headers["retry-after"] = String(Math.ceil(retryAfter));
      headers["x-ratelimit-remaining"] = "0";
      headers["x-ratelimit-reset-after"] = retryAfter.toFixed(3);
      headers["x-ratelimit-scope"] = body.global ? "global" : "user";
      if (body.global) headers["x-ratelimit-global"] = "true";
    }
    return { status: failure.status, body: failure.body, headers };
  }

  // ------------------------------------------------------------------ HTTP

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    // @discordjs/rest percent-encodes "@" ("/users/%40me", "/messages/%40original"); record Discord's spelling.
    const pathname = url.pathname.split("/").map((segment) => safeDecode(segment)).join("/");
    const prefixed = /^\/api(?:\/v\d+)?(\/.*)?$/.exec(pathname);
    const path = prefixed ? (prefixed[1] ?? "/") : pathname;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: any;
    let badBody = false;
    try {
      body = await parseBody(headers["content-type"] ?? "", raw);
    } catch {
      body = raw.toString("utf8");
      badBody = true;
    }
    const isGatewayBot = method === "GET" && path === "/gateway/bot";
    if (!isGatewayBot) record({ method, path, body, headers, at: Date.now(), query });

    let answer: Answer;
    const authorization = headers.authorization;
    const tokenRoute = /^\/(interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/]+)/.test(path);
    if (!prefixed) answer = notFound();
    else if (authorization !== undefined ? authorization !== `Bot ${token}` : !tokenRoute) answer = json(401, { message: "401: Unauthorized", code: 0 });
    else answer = takeFailure(method, path) ?? (badBody ? json(400, { message: "400: Bad Request", code: 0 }) : route(method, path, query, body));

    const out: Record<string, string> = {
      "x-ratelimit-limit": "1000",
      "x-ratelimit-remaining": "999",
      "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 60),
      "x-ratelimit-reset-after": "60.000",
      "x-ratelimit-bucket": bucketFor(method, path),
      ...answer.headers,
    };
    if (answer.status === 204 || answer.body === undefined) {
      res.writeHead(answer.status, out);
      res.end();
    } else {
      res.writeHead(answer.status, { ...out, "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    }
  }

  function route(method: string, path: string, query: Record<string, string>, body: any): Answer {
    let m: RegExpExecArray | null;
    const key = `${method} ${path}`;
    if (key === "GET /gateway/bot") {
      return json(200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (key === "GET /gateway") return json(200, { url: gatewayUrl });
    if (key === "GET /users/@me") return json(200, clone(BOT_USER));
    if (key === "GET /applications/@me" || key === "GET /oauth2/applications/@me") {
      return json(200, { id: APPLICATION_ID, flags: 0, name: "regbot", description: "", icon: null, bot_public: true, bot_require_code_grant: false, bot: clone(BOT_USER), approximate_guild_count: 1 });
    }
    if (key === "POST /users/@me/channels") return openDm(body);

    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === "POST") return interactionCallback(m[1]!, m[2]!, query, body);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && method === "POST") return followUp(m[1]!, m[2]!, query, body);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/.exec(path))) return webhookMessage(method, m[1]!, m[2]!, m[3]!, body);

    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands(?:\/(\d+))?$/.exec(path))) return applicationCommands(method, m[1]!, m[2], m[3], body);

    if ((m = /^\/channels\/(\d+)$/.exec(path)) && method === "GET") {
      const channel = findChannel(m[1]!);
      return channel ? json(200, channel) : unknown("Channel", 10003);
    }
    if ((m = /^\/channels\/(\d+)\/typing$/.exec(path)) && method === "POST") return findChannel(m[1]!) ? noContent() : unknown("Channel", 10003);
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === "POST") return createChannelMessage(m[1]!, body);
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) return channelMessage(method, m[1]!, m[2]!, body);

    if (key === `GET /guilds/${GUILD_ID}`) return json(200, clone(GUILD));
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) return guildMember(method, m[1]!, m[2]!, body);
    if ((m = /^\/guilds\/(\d+)\/bans\/(\d+)$/.exec(path))) return guildBan(method, m[1]!, m[2]!);
    return notFound();
  }

  // ------------------------------------------------------------------ members and bans

  /** GET, PATCH (nick, roles, communication_disabled_until: a timeout of at most 28 days) and DELETE (a kick). */
  function guildMember(method: string, guildId: string, userId: string, body: any): Answer {
    if (guildId !== GUILD_ID) return unknown("Guild", 10004);
    const member = members.get(userId);
    if (!member) return unknown("Member", 10007);
    if (method === "GET") return json(200, clone(member));
    if (method === "DELETE") {
      members.delete(userId);
      return noContent();
    }
    if (method !== "PATCH") return json(405, { message: "405: Method Not Allowed", code: 0 });
    const until: unknown = body?.communication_disabled_until;
    if (typeof until === "string") {
      const at = Date.parse(until);
      if (Number.isNaN(at) || at > Date.now() + 28 * 86400_000 + 60_000) {
        return formErrorAnswer([{ path: ["communication_disabled_until"], code: "COMMUNICATION_DISABLED_TIMESTAMP_INVALID", message: "Invalid communication disabled timestamp" }]);
      }
    }
    for (const key of ["nick", "roles", "communication_disabled_until", "mute", "deaf"]) if (body && key in body) member[key] = body[key];
    return json(200, clone(member));
  }

  /** PUT (ban: a member leaves the guild; any user can be banned), GET and DELETE (unban). */
  function guildBan(method: string, guildId: string, userId: string): Answer {
    if (guildId !== GUILD_ID) return unknown("Guild", 10004);
    if (method === "PUT") {
      const user = members.get(userId)?.user ?? users.get(userId) ?? fullUser({ id: userId });
      members.delete(userId);
      bans.set(userId, { user: clone(user), reason: null });
      return noContent();
    }
    const ban = bans.get(userId);
    if (!ban) return unknown("Ban", 10026);
    if (method === "GET") return json(200, clone(ban));
    if (method === "DELETE") {
      bans.delete(userId);
      return noContent();
    }
    return json(405, { message: "405: Method Not Allowed", code: 0 });
  }

  // ------------------------------------------------------------------ channels and messages

  function findChannel(channelId: string): Record<string, any> | undefined {
    const inGuild = GUILD.channels.find((c) => c.id === channelId);
    if (inGuild) return { ...clone(inGuild), guild_id: GUILD_ID };
    const dm = dmChannels.get(channelId);
    return dm ? clone(dm) : undefined;
  }

  function openDm(body: any): Answer {
    const recipientId = typeof body?.recipient_id === "string" ? body.recipient_id : null;
    if (!recipientId) return formErrorAnswer([{ path: ["recipient_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
    for (const channel of dmChannels.values()) {
      if (channel.recipients?.[0]?.id === recipientId) return json(200, clone(channel));
    }
    const user = recipientId === DEFAULT_USER.id ? { ...DEFAULT_USER } : clone(users.get(recipientId) ?? fullUser({ id: recipientId }));
    const channel = { id: recipientId === DEFAULT_USER.id ? DM_CHANNEL_ID : nextSnowflake(), type: 1, last_message_id: null, flags: 0, recipients: [user] };
    dmChannels.set(channel.id, channel);
    return json(200, clone(channel));
  }

  /** A message the bot sends: type 19 when it replies (message_reference), else 0. */
  function buildMessage(channelId: string, data: Record<string, any>, extra: Record<string, any> = {}): Record<string, any> {
    const reference = data.message_reference as Record<string, any> | undefined;
    const message = botMessage(channelId, {
      type: reference ? 19 : 0,
      content: typeof data.content === "string" ? data.content : "",
      embeds: Array.isArray(data.embeds) ? data.embeds.map((e: object) => ({ type: "rich", ...e })) : [],
      components: Array.isArray(data.components) ? data.components : [],
      tts: data.tts === true,
      flags: Number(data.flags) || 0,
      ...extra,
    });
    if (reference) {
      const referenced = messages.get(String(reference.message_id));
      message.message_reference = { type: 0, message_id: String(reference.message_id), channel_id: referenced?.channel_id ?? channelId, ...(referenced?.guild_id ? { guild_id: referenced.guild_id } : {}) };
      if (referenced) message.referenced_message = clone(referenced);
    }
    if (data.nonce !== undefined) message.nonce = data.nonce;
    messages.set(message.id, message);
    return message;
  }

  function editMessage(message: Record<string, any>, data: Record<string, any>): Record<string, any> {
    if (typeof data.content === "string" || data.content === null) message.content = data.content ?? "";
    if (Array.isArray(data.embeds)) message.embeds = data.embeds.map((e: object) => ({ type: "rich", ...e }));
    if (data.embeds === null) message.embeds = [];
    if (Array.isArray(data.components)) message.components = data.components;
    if (data.components === null) message.components = [];
    if (data.flags !== undefined && data.flags !== null) message.flags = Number(data.flags) || 0;
    const wasLoading = (message.flags & 128) !== 0;
    message.flags &= ~128;
    if (!wasLoading) message.edited_timestamp = new Date().toISOString();
    return message;
  }

  function checkMessage(data: any, prefix: Array<string | number>, create: boolean): Answer | null {
    if (create && (typeof data !== "object" || data === null || isEmptyMessage(data))) return EMPTY_MESSAGE;
    if (typeof data !== "object" || data === null) return null;
    const errors = validateMessage(data, prefix);
    if (create && data.message_reference && data.message_reference.fail_if_not_exists !== false && !messages.has(String(data.message_reference.message_id))) {
      errors.push({ path: [...prefix, "message_reference"], code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" });
    }
    return errors.length > 0 ? formErrorAnswer(errors) : null;
  }

  function createChannelMessage(channelId: string, body: any): Answer {
    const channel = findChannel(channelId);
    if (!channel) return unknown("Channel", 10003);
    const problem = checkMessage(body, [], true);
    if (problem) return problem;
    return json(200, clone(buildMessage(channelId, body)));
  }

  function channelMessage(method: string, channelId: string, messageId: string, body: any): Answer {
    const message = messages.get(messageId);
    if (!findChannel(channelId)) return unknown("Channel", 10003);
    if (!message || message.channel_id !== channelId) return unknown("Message", 10008);
    if (method === "GET") return json(200, clone(message));
    if (method === "DELETE") {
      messages.delete(messageId);
      return noContent();
    }
    if (method === "PATCH") {
      if (message.author?.id !== BOT_USER.id) return json(403, { message: "Cannot edit a message authored by another user", code: 50005 });
      return checkMessage(body, [], false) ?? json(200, clone(editMessage(message, body ?? {})));
    }
    return json(405, { message: "405: Method Not Allowed", code: 0 });
  }

  // ------------------------------------------------------------------ interactions

  function interactionCallback(id: string, itoken: string, query: Record<string, string>, body: any): Answer {
    const ix = interactions.get(id);
    if (!ix || ix.token !== itoken) return unknown("interaction", 10062);
    if (ix.acknowledged) return json(400, { message: "Interaction has already been acknowledged.", code: 40060 });
    const type = Number(body?.type);
    const data = (body?.data ?? {}) as Record<string, any>;
    const allowed =
      ix.type === 4 ? [8] : ix.type === 3 || ix.type === 5 ? [4, 5, 6, 7, 9] : [4, 5, 9];
    if (!allowed.includes(type)) {
      return formErrorAnswer([{ path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Interaction response type ${String(body?.type)} is not valid for interaction type ${ix.type}` }]);
    }
    let message: Record<string, any> | null = null;
    const webhook = { webhook_id: APPLICATION_ID, application_id: APPLICATION_ID };
    if (type === 4) {
      const problem = checkMessage(data, ["data"], true);
      if (problem) return problem;
      message = ix.original = buildMessage(ix.channelId, data, webhook);
    } else if (type === 5) {
      message = ix.original = buildMessage(ix.channelId, {}, { ...webhook, flags: ((Number(data.flags) || 0) & 64) | 128 });
    } else if (type === 6) {
      ix.original = ix.message;
    } else if (type === 7) {
      const problem = checkMessage(data, ["data"], false);
      if (problem) return problem;
      if (ix.message) message = ix.original = editMessage(ix.message, data);
    } else if (type === 8) {
      const choices: unknown = data.choices;
      const errors: FormError[] = [];
      if (!Array.isArray(choices)) errors.push({ path: ["data", "choices"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      else {
        maxLength(errors, ["data", "choices"], choices, 25);
        choices.forEach((choice: Record<string, any>, i) => {
          const name = choice?.name;
          if (typeof name !== "string" || name.length < 1 || name.length > 100) errors.push({ path: ["data", "choices", i, "name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
          maxLength(errors, ["data", "choices", i, "value"], choice?.value, 100);
        });
      }
      if (errors.length > 0) return formErrorAnswer(errors);
    }
    ix.acknowledged = true;
    if (query.with_response !== "true") return noContent();
    return json(200, {
      interaction: {
        id: ix.id,
        type: ix.type,
        ...(message
          ? { response_message_id: message.id, response_message_loading: (message.flags & 128) !== 0, response_message_ephemeral: (message.flags & 64) !== 0 }
          : {}),
      },
      resource: { type, ...(message ? { message: clone(message) } : {}) },
    });
  }

  /** The interaction an interaction webhook (application id + interaction token) belongs to, once acknowledged. */
  function webhookInteraction(appId: string, itoken: string): InteractionState | null {
    const ix = interactionsByToken.get(itoken);
    return appId === APPLICATION_ID && ix?.acknowledged ? ix : null;
  }

  function followUp(appId: string, itoken: string, query: Record<string, string>, body: any): Answer {
    const ix = webhookInteraction(appId, itoken);
    if (!ix) return unknown("Webhook", 10015);
    const problem = checkMessage(body, [], true);
    if (problem) return problem;
    const message = buildMessage(ix.channelId, body, { webhook_id: APPLICATION_ID, application_id: APPLICATION_ID });
    ix.followUps.set(message.id, message);
    return query.wait === "true" ? json(200, clone(message)) : noContent();
  }

  function webhookMessage(method: string, appId: string, itoken: string, messageId: string, body: any): Answer {
    const ix = webhookInteraction(appId, itoken);
    if (!ix) return unknown("Webhook", 10015);
    const message = messageId === "@original" ? ix.original : (ix.followUps.get(messageId) ?? (ix.original?.id === messageId ? ix.original : null));
    if (!message) return unknown("Message", 10008);
    if (method === "GET") return json(200, clone(message));
    if (method === "PATCH") return checkMessage(body, [], false) ?? json(200, clone(editMessage(message, body ?? {})));
    if (method === "DELETE") {
      if (message === ix.original) ix.original = null;
      ix.followUps.delete(message.id);
      messages.delete(message.id);
      return noContent();
    }
    return json(405, { message: "405: Method Not Allowed", code: 0 });
  }

  function applicationCommands(method: string, appId: string, guildId: string | undefined, commandId: string | undefined, body: any): Answer {
    if (appId !== APPLICATION_ID) return json(403, { message: "Missing Access", code: 50001 });
    if (guildId !== undefined && guildId !== GUILD_ID) return json(403, { message: "Missing Access", code: 50001 });
    const scope = guildId ?? "global";
    const current = commands.get(scope) ?? [];
    const complete = (command: Record<string, any>): Record<string, any> => {
      const type = Number(command.type ?? 1);
      const previous = current.find((c) => c.name === command.name && c.type === type);
      return {
        description: "",
        default_member_permissions: null,
        nsfw: false,
        ...command,
        id: previous?.id ?? nextSnowflake(),
        application_id: APPLICATION_ID,
        version: nextSnowflake(),
        type,
        ...(guildId ? { guild_id: guildId } : {}),
      };
    };
    if (commandId === undefined) {
      if (method === "GET") return json(200, clone(current));
      if (method === "PUT") {
        if (!Array.isArray(body)) return formErrorAnswer([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array." }]);
        const next = body.map((c: Record<string, any>) => complete(c));
        commands.set(scope, next);
        return json(200, clone(next));
      }
      if (method === "POST") {
        const created = complete(body ?? {});
        commands.set(scope, [...current.filter((c) => c.id !== created.id), created]);
        return json(current.some((c) => c.id === created.id) ? 200 : 201, clone(created));
      }
      return json(405, { message: "405: Method Not Allowed", code: 0 });
    }
    const existing = current.find((c) => c.id === commandId);
    if (!existing) return unknown("application command", 10063);
    if (method === "GET") return json(200, clone(existing));
    if (method === "DELETE") {
      commands.set(scope, current.filter((c) => c.id !== commandId));
      return noContent();
    }
    if (method === "PATCH") {
      Object.assign(existing, body ?? {}, { id: existing.id, version: nextSnowflake() });
      return json(200, clone(existing));
    }
    return json(405, { message: "405: Method Not Allowed", code: 0 });
  }

  /** A member (with `user`) as the guild holds it: without the interaction-only `permissions`. */
  function noteMember(user: Record<string, any>, fields: Record<string, any>): void {
    const { permissions: _permissions, user: _user, ...rest } = fields;
    users.set(user.id, clone(user));
    members.set(user.id, { ...memberFields(), ...clone(rest), user: clone(user) });
  }

  /**
   * Remembers what a dispatched event creates (interactions, messages, DM channels) and the users and members it
   * shows (the author or caller, and resolved USER options), so REST calls about them work.
   */
  function noteDispatch(type: string, data: Record<string, any>): void {
    const user = data.user ?? data.member?.user ?? data.author;
    const channelId = data.channel_id ?? data.channel?.id;
    const guildId: string | null = data.guild_id ?? null;
    if (user?.id) users.set(user.id, clone(user));
    if (guildId === GUILD_ID && user?.id && data.member && user.id !== BOT_USER.id) noteMember(user, data.member);
    const resolved = data.data?.resolved;
    for (const resolvedUser of Object.values<Record<string, any>>(resolved?.users ?? {})) users.set(resolvedUser.id, clone(resolvedUser));
    if (guildId === GUILD_ID) {
      for (const [id, member] of Object.entries<Record<string, any>>(resolved?.members ?? {})) if (resolved.users?.[id]) noteMember(resolved.users[id], member);
    }
    if (typeof channelId === "string" && !guildId && !dmChannels.has(channelId) && user) {
      dmChannels.set(channelId, { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [clone(user)] });
    }
    if (type === "INTERACTION_CREATE" && typeof data.id === "string" && typeof data.token === "string") {
      const message = data.message ? clone(data.message) : null;
      if (message) messages.set(message.id, message);
      const state: InteractionState = {
        id: data.id,
        token: data.token,
        type: Number(data.type),
        channelId: String(channelId),
        guildId,
        acknowledged: false,
        message,
        original: null,
        followUps: new Map(),
      };
      interactions.set(state.id, state);
      interactionsByToken.set(state.token, state);
    }
    if (type === "MESSAGE_CREATE" && typeof data.id === "string") messages.set(data.id, clone(data));
  }

  // ------------------------------------------------------------------ gateway

  function rawSend(connection: Connection, payload: object): void {
    const text = JSON.stringify(payload);
    if (connection.compression === "zlib-stream" && connection.deflate) {
      const deflate = connection.deflate;
      connection.chain = connection.chain
        .then(() => deflateStreamChunk(deflate, text))
        .then((frame) => {
          if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(frame);
        })
        .catch(() => undefined);
      return;
    }
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    if (connection.compression === "identify") connection.ws.send(zlib.deflateSync(text));
    else connection.ws.send(text);
  }

  function sendDispatch(session: Session, t: string, d: unknown): void {
    const payload = { op: 0 as const, t, s: ++session.seq, d };
    session.log.push(payload);
    if (session.connection) rawSend(session.connection, payload);
  }

  function closeConnection(connection: Connection, code: number, reason: string): void {
    // Let queued zlib-stream frames go out first.
    void connection.chain.then(() => {
      if (connection.ws.readyState === WebSocket.OPEN) connection.ws.close(code, reason);
    });
  }

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const encoding = url.searchParams.get("encoding") ?? "json";
    const compress = url.searchParams.get("compress");
    if (closed || url.pathname.startsWith("/api") || encoding !== "json" || (compress !== null && compress !== "zlib-stream")) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        ws,
        compression: compress === "zlib-stream" ? "zlib-stream" : null,
        deflate: compress === "zlib-stream" ? zlib.createDeflate() : null,
        chain: Promise.resolve(),
        session: null,
      };
      connections.add(connection);
      ws.on("message", (data: RawData) => onGatewayMessage(connection, data));
      ws.on("close", (code: number) => {
        connections.delete(connection);
        connection.deflate?.close();
        const session = connection.session;
        if (session && session.connection === connection) {
          session.connection = null;
          // A client closing with 1000/1001 ends its session (as on Discord); other codes keep it resumable.
          if (code === 1000 || code === 1001) sessions.delete(session.id);
        }
      });
      ws.on("error", () => undefined);
      rawSend(connection, { op: 10, d: { heartbeat_interval: 41250 } });
      const version = url.searchParams.get("v");
      if (version !== null && version !== "10") closeConnection(connection, 4012, "Invalid API version");
    });
  }

  function onGatewayMessage(connection: Connection, data: RawData): void {
    let payload: { op?: unknown; d?: any };
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      payload = JSON.parse(text) as { op?: unknown; d?: any };
    } catch {
      closeConnection(connection, 4002, "Error while decoding payload.");
      return;
    }
    const session = connection.session;
    switch (payload.op) {
      case 1: // HEARTBEAT
        rawSend(connection, { op: 11 });
        return;
      case 2: // IDENTIFY
        return identify(connection, payload.d ?? {});
      case 6: // RESUME
        return resume(connection, payload.d ?? {});
      case 3: // PRESENCE_UPDATE
      case 4: // VOICE_STATE_UPDATE
        if (!session) closeConnection(connection, 4003, "Not authenticated.");
        return;
      case 8: // REQUEST_GUILD_MEMBERS
        if (!session) return closeConnection(connection, 4003, "Not authenticated.");
        return requestGuildMembers(session, payload.d ?? {});
      default:
        closeConnection(connection, 4001, "Unknown opcode.");
    }
  }

  function identify(connection: Connection, d: Record<string, any>): void {
    if (!identifiedOnce) {
      identifiedOnce = true;
      resolveIdentified(d);
    }
    if (connection.session) return closeConnection(connection, 4005, "Already authenticated.");
    if (d.token !== token && d.token !== `Bot ${token}`) return closeConnection(connection, 4004, "Authentication failed.");
    if (d.compress === true && connection.compression === null) connection.compression = "identify";
    const shard: [number, number] = Array.isArray(d.shard) && d.shard.length === 2 ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    const session: Session = { id: randomBytes(16).toString("hex"), seq: 0, shard, log: [], connection };
    sessions.set(session.id, session);
    connection.session = session;
    sendDispatch(session, "READY", {
      v: 10,
      user: { ...clone(BOT_USER), verified: true, mfa_enabled: false, flags: 0, email: null },
      user_settings: {},
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: gatewayUrl,
      shard,
      application: { id: APPLICATION_ID, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['["fake-discord-gateway",{"micros":0}]'],
    });
    sendDispatch(session, "GUILD_CREATE", guildCreateData());
    for (const event of undelivered.splice(0)) sendDispatch(session, event.t, event.d);
  }

  function resume(connection: Connection, d: Record<string, any>): void {
    if (d.token !== token && d.token !== `Bot ${token}`) return closeConnection(connection, 4004, "Authentication failed.");
    const session = typeof d.session_id === "string" ? sessions.get(d.session_id) : undefined;
    if (!session) {
      rawSend(connection, { op: 9, d: false });
      return;
    }
    if (session.connection && session.connection !== connection) closeConnection(session.connection, 4009, "Session timed out.");
    session.connection = connection;
    connection.session = session;
    const after = Number(d.seq) || 0;
    for (const payload of session.log) if (payload.s > after) rawSend(connection, payload);
    sendDispatch(session, "RESUMED", null);
  }

  function requestGuildMembers(session: Session, d: Record<string, any>): void {
    const userIds: string[] | null = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === "string" ? [d.user_ids] : null;
    const query = typeof d.query === "string" ? d.query.toLowerCase() : null;
    const found = [...members.values()].filter((m) => (userIds ? userIds.includes(m.user.id) : query !== null && query !== "" && String(m.user.username).startsWith(query)));
    sendDispatch(session, "GUILD_MEMBERS_CHUNK", {
      guild_id: String(d.guild_id ?? GUILD_ID),
      members: clone(found),
      chunk_index: 0,
      chunk_count: 1,
      ...(userIds ? { not_found: userIds.filter((id) => !found.some((m) => m.user.id === id)) } : {}),
      ...(d.presences ? { presences: [] } : {}),
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  // ------------------------------------------------------------------ the handle

  return {
    apiRoot,
    token,
    applicationId: APPLICATION_ID,
    botUser: BOT_USER,
    guild: GUILD,
    requests,
    identified,
    dispatch(type: string, data: object): void {
      const d = clone(data) as Record<string, any>;
      noteDispatch(type, d);
      const live = [...sessions.values()];
      if (live.length === 0) {
        undelivered.push({ t: type, d });
        return;
      }
      for (const session of live) sendDispatch(session, type, d);
    },
    waitForRequest(match: PathMatch, count = 1, timeoutMs = 5000): Promise<RecordedRequest[]> {
      const found = requests.filter((r) => matches(match, r.method, r.path));
      if (found.length >= count) return Promise.resolve(found);
      if (closed) return Promise.reject(new Error("fake Discord is closed"));
      return new Promise((resolve, reject) => {
        const wait: PendingWait = {
          match,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waits.delete(wait);
            const seen = requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none";
            const got = requests.filter((r) => matches(match, r.method, r.path)).length;
            reject(new Error(`fake Discord: timed out after ${timeoutMs}ms waiting for ${count}× ${describeMatch(match)} (got ${got}); requests seen: ${seen}`));
          }, timeoutMs),
        };
        waits.add(wait);
      });
    },
    failNext(match: PathMatch, status: number, body: object, times = 1): void {
      failures.push({ match, status, body, remaining: times });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const wait of waits) {
        clearTimeout(wait.timer);
        wait.reject(new Error(`fake Discord closed while waiting for ${describeMatch(wait.match)}`));
      }
      waits.clear();
      const open = [...connections];
      await Promise.race([
        Promise.all(
          open.map(
            (c) =>
              new Promise<void>((resolve) => {
                if (c.ws.readyState === WebSocket.CLOSED) return resolve();
                c.ws.once("close", () => resolve());
                if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1000, "fake Discord closed");
              }),
          ),
        ),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      for (const c of open) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
