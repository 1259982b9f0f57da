import { once } from "node:events";
import zlib from "node:zlib";
import { Client, DiscordAPIError, Events, GatewayIntentBits, Partials, REST, Routes, type ClientOptions, type Interaction, type Message } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { payloads, startFakeDiscord, type FakeDiscord } from "./discord-server.js";

const GUILD_ID = "800000000000000001";
const GENERAL_ID = "800000000000000010";
const BOT_ID = "900000000000000002";
const CALLBACK = /^\/interactions\/\d+\/itoken-\d+\/callback$/;
const MODERATOR_ID = "700000000000000101";
const BOB_ID = "700000000000000110";
const MEMBER_ROLE = "800000000000000101";
const MODERATOR_ROLE = "800000000000000103";
const MODERATE_MEMBERS_BIT = 1n << 40n;
const MODERATE_MEMBERS = MODERATE_MEMBERS_BIT.toString();

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fakeDiscord(options?: { token?: string }): Promise<FakeDiscord> {
  const fake = await startFakeDiscord(options);
  cleanups.push(() => fake.close());
  return fake;
}

/** Logs a real discord.js client in against the fake and waits for clientReady. Destroyed before the fake closes. */
async function readyClient(fake: FakeDiscord, extra: Partial<ClientOptions> = {}): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    rest: { api: fake.apiRoot },
    ...extra,
  });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(fake.token);
  await ready;
  return client as Client<true>;
}

/** Opens a raw gateway connection and collects the decoded payloads it receives. */
async function rawGateway(fake: FakeDiscord, query: string): Promise<{ ws: WebSocket; received: any[]; next(): Promise<any>; closed: Promise<number> }> {
  const res = await fetch(`${fake.apiRoot}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.token}` } });
  const { url } = (await res.json()) as { url: string };
  const ws = new WebSocket(`${url}?${query}`);
  cleanups.push(async () => {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  });
  const received: any[] = [];
  const waiting: Array<(payload: any) => void> = [];
  const inflate = query.includes("compress=zlib-stream") ? zlib.createInflate() : null;
  let inflated = "";
  const deliver = (payload: any) => {
    const waiter = waiting.shift();
    if (waiter) waiter(payload);
    else received.push(payload);
  };
  inflate?.on("data", (chunk: Buffer) => {
    inflated += chunk.toString("utf8");
    // Each payload is flushed on its own; a complete JSON document is one payload.
    try {
      const payload = JSON.parse(inflated);
      inflated = "";
      deliver(payload);
    } catch {
      // wait for more
    }
  });
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (inflate) {
      expect(isBinary).toBe(true);
      expect([...data.subarray(-4)]).toEqual([0, 0, 255, 255]);
      inflate.write(data);
    } else deliver(JSON.parse(data.toString("utf8")));
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code: number) => resolve(code)));
  await once(ws, "open");
  return {
    ws,
    received,
    next: () => (received.length > 0 ? Promise.resolve(received.shift()) : new Promise((resolve) => waiting.push(resolve))),
    closed,
  };
}

describe("fake Discord server", () => {
  it("gets a real discord.js client ready, with the guild cached", async () => {
    const fake = await fakeDiscord();
    const client = await readyClient(fake);

    expect(client.user.id).toBe(BOT_ID);
    expect(client.user.username).toBe("regbot");
    expect(client.application.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.available).toBe(true);
    expect(guild?.name).toBe("Crypto Club");
    expect(guild?.ownerId).toBe("700000000000000001");
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(["general", "news"]);
    expect(guild?.members.me?.id).toBe(BOT_ID);
    expect(guild?.roles.everyone.id).toBe(GUILD_ID);

    const identify = (await fake.identified) as { token: string; intents: number; compress: boolean; shard: number[] };
    expect(identify.token).toBe(fake.token);
    expect(identify.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages);
    expect(identify.compress).toBe(false);
    expect(identify.shard).toEqual([0, 1]);
    // GET /gateway/bot is not recorded; logging in made no other REST call.
    expect(fake.requests).toEqual([]);
  });

  it("delivers a slash command and records interaction.reply, editReply, followUp and fetchReply", async () => {
    const fake = await fakeDiscord();
    const client = await readyClient(fake);
    const done = new Promise<void>((resolve, reject) => {
      client.on(Events.InteractionCreate, async (interaction) => {
        try {
          if (!interaction.isChatInputCommand()) return;
          expect(interaction.guildId).toBe(GUILD_ID);
          expect(interaction.channelId).toBe(GENERAL_ID);
          expect(interaction.user.username).toBe("alice");
          expect(interaction.inGuild()).toBe(true);
          const question = interaction.options.getString("question", true);
          await interaction.reply({ content: `You asked: ${question}` });
          const edited = await interaction.editReply({ content: "edited" });
          expect(edited.content).toBe("edited");
          const extra = await interaction.followUp({ content: "one more", flags: 64 });
          expect(extra.content).toBe("one more");
          const original = await interaction.fetchReply();
          expect(original.id).toBe(edited.id);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
    });

    const interaction = payloads.slashCommand("ask", [{ name: "question", type: 3, value: "is it banned?" }]) as { id: string; token: string };
    fake.dispatch("INTERACTION_CREATE", interaction);
    const [callback] = await fake.waitForRequest({ method: "POST", path: CALLBACK });
    expect(callback?.path).toBe(`/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(callback?.body).toMatchObject({ type: 4, data: { content: "You asked: is it banned?" } });
    expect(callback?.query).toEqual({ with_response: "false" });
    expect(callback?.headers.authorization).toBeUndefined();
    await done;

    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /interactions/${interaction.id}/${interaction.token}/callback`,
      `PATCH /webhooks/${fake.applicationId}/${interaction.token}/messages/@original`,
      `POST /webhooks/${fake.applicationId}/${interaction.token}`,
      `GET /webhooks/${fake.applicationId}/${interaction.token}/messages/@original`,
    ]);
    expect(fake.requests[2]?.body).toMatchObject({ content: "one more", flags: 64 });
  });

  it("answers deferReply + editReply, withResponse, autocomplete and buttons", async () => {
    const fake = await fakeDiscord();
    const client = await readyClient(fake);
    const results: unknown[] = [];
    const failures: unknown[] = [];
    client.on(Events.InteractionCreate, (interaction) => void handle(interaction).catch((error: unknown) => failures.push(error)));
    async function handle(interaction: Interaction): Promise<void> {
      if (interaction.isAutocomplete()) {
        results.push(interaction.options.getFocused());
        await interaction.respond([{ name: "China ban", value: "china" }]);
      } else if (interaction.isChatInputCommand()) {
        const response = await interaction.deferReply({ withResponse: true });
        results.push(response.resource?.message?.id);
        await interaction.editReply({ content: "done" });
      } else if (interaction.isButton()) {
        results.push(interaction.customId, interaction.message.content);
        await interaction.update({ content: "page 2", components: [] });
      }
    }

    fake.dispatch("INTERACTION_CREATE", payloads.autocomplete("ask", [{ name: "question", type: 3, value: "chi" }]));
    const [auto] = await fake.waitForRequest({ method: "POST", path: CALLBACK });
    expect(auto?.body).toEqual({ type: 8, data: { choices: [{ name: "China ban", value: "china" }] } });

    fake.dispatch("INTERACTION_CREATE", payloads.slashCommand("ask", [{ name: "question", type: 3, value: "x" }]));
    const edits = await fake.waitForRequest({ method: "PATCH", path: /\/messages\/@original$/ });
    expect(fake.requests[1]?.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(fake.requests[1]?.query).toEqual({ with_response: "true" });
    expect(edits[0]?.body).toMatchObject({ content: "done" });

    fake.dispatch("INTERACTION_CREATE", payloads.button("more:abc:3", { content: "page 1" }));
    const callbacks = await fake.waitForRequest({ method: "POST", path: CALLBACK }, 3);
    expect(callbacks[2]?.body).toMatchObject({ type: 7, data: { content: "page 2", components: [] } });
    expect(results).toEqual(["chi", expect.stringMatching(/^\d+$/), "more:abc:3", "page 1"]);
    expect(failures).toEqual([]);
  });

  it("delivers messages that mention the bot and records message.reply", async () => {
    const fake = await fakeDiscord();
    const client = await readyClient(fake, { partials: [Partials.Channel] });
    const seen: Message[] = [];
    client.on(Events.MessageCreate, (message) => {
      seen.push(message);
      if (message.mentions.users.has(client.user.id)) void message.reply({ content: "hi!", allowedMentions: { repliedUser: false } }).catch(() => undefined);
    });

    const created = payloads.messageCreate(`<@${BOT_ID}> is crypto banned?`, { mentionsBot: true }) as { id: string };
    fake.dispatch("MESSAGE_CREATE", created);
    const [reply] = await fake.waitForRequest({ method: "POST", path: `/channels/${GENERAL_ID}/messages` });
    expect(seen[0]?.content).toBe(`<@${BOT_ID}> is crypto banned?`);
    expect(seen[0]?.guildId).toBe(GUILD_ID);
    expect(seen[0]?.author.username).toBe("alice");
    expect(reply?.body).toMatchObject({ content: "hi!", message_reference: { message_id: created.id } });
    expect(reply?.headers.authorization).toBe(`Bot ${fake.token}`);

    // A direct message (needs Partials.Channel in discord.js) is delivered too.
    fake.dispatch("MESSAGE_CREATE", payloads.messageCreate("hello in private", { guildId: null }));
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]?.channel.isDMBased()).toBe(true);
    expect(seen[1]?.mentions.users.size).toBe(0);
  });

  it("serves REST routes, 401/404 errors, failNext and Discord's message limits", async () => {
    const fake = await fakeDiscord();
    const rest = new REST({ api: fake.apiRoot }).setToken(fake.token);

    expect(await rest.get(Routes.user("@me"))).toEqual(fake.botUser);
    expect(await rest.get(Routes.currentApplication())).toMatchObject({ id: fake.applicationId, flags: 0, name: "regbot" });
    const deployed = (await rest.put(Routes.applicationGuildCommands(fake.applicationId, GUILD_ID), {
      body: [{ name: "ask", description: "Ask" }],
    })) as Array<{ id: string; name: string; guild_id: string }>;
    expect(deployed).toEqual([expect.objectContaining({ id: expect.stringMatching(/^\d+$/), name: "ask", guild_id: GUILD_ID, application_id: fake.applicationId })]);
    const again = (await rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: "ask", description: "Ask" }] })) as Array<{ id: string }>;
    expect(again[0]?.id).toMatch(/^\d+$/);

    const sent = (await rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "news!" } })) as Record<string, unknown>;
    expect(sent).toMatchObject({ channel_id: GENERAL_ID, content: "news!", type: 0, author: fake.botUser, edited_timestamp: null });

    // With files, @discordjs/rest sends multipart/form-data; the recorded body is the parsed payload_json part.
    await rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "with a file" }, files: [{ name: "a.txt", data: Buffer.from("hi") }] });
    const [multipart] = await fake.waitForRequest({ method: "POST", path: /\/messages$/ }, 2);
    expect(fake.requests.at(-1)?.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(fake.requests.at(-1)?.body).toEqual({ content: "with a file" });
    expect(multipart?.body).toEqual({ content: "news!" });

    const wrong = await fetch(`${fake.apiRoot}/v10/users/@me`, { headers: { authorization: "Bot nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    const missing = await fetch(`${fake.apiRoot}/v10/nothing/here`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "404: Not Found", code: 0 });

    fake.failNext({ method: "POST", path: /\/messages$/ }, 403, { message: "Missing Permissions", code: 50013 });
    await expect(rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "x" } })).rejects.toMatchObject({ status: 403, code: 50013 });
    await expect(rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "x" } })).resolves.toMatchObject({ content: "x" });
    // A 429 is retried by @discordjs/rest after retry_after.
    fake.failNext({ path: `/channels/${GENERAL_ID}/messages` }, 429, { message: "You are being rate limited.", retry_after: 0.05, global: false });
    await expect(rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "y" } })).resolves.toMatchObject({ content: "y" });

    const tooLong = rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "x".repeat(2001) } });
    await expect(tooLong).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(rest.post(Routes.channelMessages(GENERAL_ID), { body: { content: "x".repeat(2001) } })).rejects.toMatchObject({ code: 50035, rawError: { errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } });
    await expect(rest.post(Routes.channelMessages(GENERAL_ID), { body: {} })).rejects.toMatchObject({ code: 50006 });
    await expect(rest.post(Routes.channelMessages("123456789012345678"), { body: { content: "x" } })).rejects.toMatchObject({ code: 10003 });

    await expect(fake.waitForRequest({ method: "DELETE", path: "/nope" }, 1, 50)).rejects.toThrow(/requests seen: GET \/users\/@me/);
    expect(fake.requests.some((r) => r.path === "/gateway/bot")).toBe(false);
  });

  it("speaks the gateway protocol: HELLO, heartbeat ACK, 4004 on a wrong token, RESUME and member requests", async () => {
    const fake = await fakeDiscord();

    const bad = await rawGateway(fake, "v=10&encoding=json");
    expect(await bad.next()).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
    bad.ws.send(JSON.stringify({ op: 1, d: null }));
    expect(await bad.next()).toEqual({ op: 11 });
    bad.ws.send(JSON.stringify({ op: 2, d: { token: "wrong", intents: 1, properties: {} } }));
    expect(await bad.closed).toBe(4004);
    expect(await fake.identified).toMatchObject({ token: "wrong" });

    const good = await rawGateway(fake, "v=10&encoding=json");
    await good.next(); // HELLO
    good.ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {} } }));
    const ready = await good.next();
    expect(ready).toMatchObject({ op: 0, t: "READY", s: 1, d: { user: { id: BOT_ID }, application: { id: fake.applicationId, flags: 0 }, guilds: [{ id: GUILD_ID, unavailable: true }] } });
    expect(await good.next()).toMatchObject({ op: 0, t: "GUILD_CREATE", s: 2, d: { id: GUILD_ID, unavailable: false } });
    good.ws.send(JSON.stringify({ op: 8, d: { guild_id: GUILD_ID, user_ids: [BOT_ID, "1"], nonce: "n1" } }));
    expect(await good.next()).toMatchObject({ t: "GUILD_MEMBERS_CHUNK", s: 3, d: { members: [{ user: { id: BOT_ID } }], not_found: ["1"], nonce: "n1" } });

    // Drop the connection without ending the session, miss an event, then resume and get it replayed.
    good.ws.close(4200);
    await good.closed;
    fake.dispatch("MESSAGE_CREATE", payloads.messageCreate("while away"));
    const again = await rawGateway(fake, "v=10&encoding=json");
    await again.next(); // HELLO
    again.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: ready.d.session_id, seq: 3 } }));
    expect(await again.next()).toMatchObject({ t: "MESSAGE_CREATE", s: 4, d: { content: "while away" } });
    expect(await again.next()).toMatchObject({ t: "RESUMED", s: 5 });

    const unknownSession = await rawGateway(fake, "v=10&encoding=json");
    await unknownSession.next();
    unknownSession.ws.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: "nope", seq: 1 } }));
    expect(await unknownSession.next()).toEqual({ op: 9, d: false });
  });

  it("compresses with zlib-stream when the client asks for it", async () => {
    const fake = await fakeDiscord();
    const gateway = await rawGateway(fake, "v=10&encoding=json&compress=zlib-stream");
    expect(await gateway.next()).toEqual({ op: 10, d: { heartbeat_interval: 41250 } });
    gateway.ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {} } }));
    expect(await gateway.next()).toMatchObject({ t: "READY" });
    expect(await gateway.next()).toMatchObject({ t: "GUILD_CREATE" });
    fake.dispatch("INTERACTION_CREATE", payloads.slashCommand("help"));
    expect(await gateway.next()).toMatchObject({ t: "INTERACTION_CREATE", s: 3, d: { type: 2, data: { name: "help", type: 1, options: [] } } });
  });

  it("resolves USER options to users and members with roles, so getUser and getMember work", async () => {
    const fake = await fakeDiscord();
    const client = await readyClient(fake);
    const seen = new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve));
    const ix = payloads.slashCommand("warn", [{ name: "user", type: 6, value: BOB_ID }], {
      user: { id: MODERATOR_ID, username: "mia" },
      member: { roles: [MODERATOR_ROLE] },
      resolved: [{ user: { id: BOB_ID, username: "bob", global_name: "Bob" }, member: { roles: [MEMBER_ROLE], nick: "Bobby" } }],
    }) as any;
    expect(ix.member.permissions).toBe(MODERATE_MEMBERS);
    expect(ix.data.resolved.users[BOB_ID]).toMatchObject({ id: BOB_ID, username: "bob", discriminator: "0", global_name: "Bob" });
    expect(ix.data.resolved.members[BOB_ID]).toMatchObject({ roles: [MEMBER_ROLE], nick: "Bobby", permissions: "0" });
    expect(ix.data.resolved.members[BOB_ID]).not.toHaveProperty("user");
    fake.dispatch("INTERACTION_CREATE", ix);

    const interaction = await seen;
    if (!interaction.isChatInputCommand() || !interaction.inCachedGuild()) throw new Error("expected a slash command in the cached guild");
    expect(interaction.options.getUser("user")?.username).toBe("bob");
    const member = interaction.options.getMember("user");
    expect(member?.displayName).toBe("Bobby");
    expect(member?.roles.highest.name).toBe("Member");
    expect(interaction.member.roles.highest.name).toBe("Moderator");
    expect(interaction.memberPermissions.has(MODERATE_MEMBERS_BIT)).toBe(true);
    expect(interaction.guild.members.me?.roles.highest).toMatchObject({ name: "regbot", position: 2 });
    expect(interaction.guild.roles.cache.map((r) => [r.name, r.position])).toContainEqual(["Admin", 6]);

    // The guild owner may do everything; outside a guild only the user is resolved.
    const owner = payloads.slashCommand("warn", [], { user: { id: "700000000000000001" } }) as any;
    expect(BigInt(owner.member.permissions) & MODERATE_MEMBERS_BIT).toBe(MODERATE_MEMBERS_BIT);
    const inDm = payloads.slashCommand("warn", [{ name: "user", type: 6, value: BOB_ID }], { guildId: null, resolved: [{ user: { id: BOB_ID } }] }) as any;
    expect(inDm.data.resolved).toEqual({ users: { [BOB_ID]: expect.objectContaining({ id: BOB_ID }) } });
  });

  it("times out, kicks and bans the members it has seen, and opens DMs with them", async () => {
    const fake = await fakeDiscord();
    const rest = new REST({ api: fake.apiRoot }).setToken(fake.token);
    fake.dispatch("INTERACTION_CREATE", payloads.slashCommand("warn", [{ name: "user", type: 6, value: BOB_ID }], { resolved: [{ user: { id: BOB_ID, username: "bob" }, member: { roles: [MEMBER_ROLE] } }] }));

    expect(await rest.get(Routes.guildMember(GUILD_ID, BOB_ID))).toMatchObject({ user: { id: BOB_ID, username: "bob" }, roles: [MEMBER_ROLE], communication_disabled_until: null });
    expect(await rest.get(Routes.guildMember(GUILD_ID, BOT_ID))).toMatchObject({ user: { id: BOT_ID }, roles: ["800000000000000102"] });
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect(await rest.patch(Routes.guildMember(GUILD_ID, BOB_ID), { body: { communication_disabled_until: until } })).toMatchObject({ communication_disabled_until: until });
    const tooLong = new Date(Date.now() + 29 * 86400_000).toISOString();
    await expect(rest.patch(Routes.guildMember(GUILD_ID, BOB_ID), { body: { communication_disabled_until: tooLong } })).rejects.toMatchObject({ status: 400, code: 50035 });

    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: BOB_ID } })) as { id: string; recipients: Array<{ username: string }> };
    expect(dm.recipients[0]?.username).toBe("bob");
    expect(await rest.post(Routes.channelMessages(dm.id), { body: { content: "You were warned" } })).toMatchObject({ channel_id: dm.id, content: "You were warned" });

    await rest.delete(Routes.guildMember(GUILD_ID, BOB_ID), { reason: "kicked" });
    await expect(rest.get(Routes.guildMember(GUILD_ID, BOB_ID))).rejects.toMatchObject({ status: 404, code: 10007 });
    await expect(rest.delete(Routes.guildMember(GUILD_ID, BOB_ID))).rejects.toMatchObject({ code: 10007 });
    await expect(rest.patch(Routes.guildMember(GUILD_ID, "123456789012345678"), { body: {} })).rejects.toMatchObject({ code: 10007 });

    // Anyone can be banned, member or not.
    await rest.put(Routes.guildBan(GUILD_ID, BOB_ID), { body: {} });
    expect(await rest.get(Routes.guildBan(GUILD_ID, BOB_ID))).toMatchObject({ user: { id: BOB_ID, username: "bob" } });
    await expect(rest.get(Routes.guildBan(GUILD_ID, "123456789012345678"))).rejects.toMatchObject({ code: 10026 });
    expect(fake.requests.find((r) => r.method === "DELETE")?.headers["x-audit-log-reason"]).toBe("kicked");
  });

  it("builds payloads shaped like Discord's", () => {
    const slash = payloads.slashCommand("qa", [{ name: "mode", type: 3, value: "off" }], { subcommand: "set", guildId: null }) as any;
    expect(slash).toMatchObject({ type: 2, application_id: "900000000000000001", version: 1, locale: "en-US", app_permissions: "0", context: 1 });
    expect(slash.user).toMatchObject({ id: "700000000000000100", username: "alice" });
    expect(slash.member).toBeUndefined();
    expect(slash.guild_id).toBeUndefined();
    expect(slash.data.options).toEqual([{ name: "set", type: 1, options: [{ name: "mode", type: 3, value: "off" }] }]);
    const auto = payloads.autocomplete("ask", [{ name: "question", type: 3, value: "b" }]) as any;
    expect(auto.type).toBe(4);
    expect(auto.data.options[0].focused).toBe(true);
    expect(BigInt(auto.id)).toBeGreaterThan(BigInt(slash.id));
    const message = payloads.messageCreate("hi", { mentionsBot: true }) as any;
    expect(message).toMatchObject({ guild_id: GUILD_ID, channel_id: GENERAL_ID, mention_everyone: false, type: 0, member: { roles: [] } });
    expect(message.mentions[0].id).toBe(BOT_ID);
  });
});
