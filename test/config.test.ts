import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
import { env, inspectConfig, loadDotEnv, PACKAGE_ROOT, readConfig, SETTING_NAMES } from "../src/config.js";
import { regbotErrorOf } from "./fakes/regbot-error.js";
import { tempDir } from "./fakes/temp-store.js";

describe("env", () => {
  it("treats a variable set to the empty string, or to spaces, as unset", () => {
    expect(env("X", { X: "" })).toBeUndefined();
    expect(env("X", { X: "   " })).toBeUndefined();
    expect(env("X", { X: " value " })).toBe("value");
  });
});

describe("readConfig", () => {
  it("keeps the database in data/regbot.db under the package when nothing says otherwise", () => {
    expect(readConfig({}, {}).db).toBe(path.join(PACKAGE_ROOT, "data", "regbot.db"));
    expect(readConfig({}, { REGBOT_DB: "" }).db).toBe(path.join(PACKAGE_ROOT, "data", "regbot.db"));
  });

  it("lets --db win over REGBOT_DB", () => {
    expect(readConfig({ db: "/tmp/flag.db" }, { REGBOT_DB: "/tmp/env.db" }).db).toBe("/tmp/flag.db");
    expect(readConfig({}, { REGBOT_DB: "/tmp/env.db" }).db).toBe("/tmp/env.db");
  });

  it("treats empty bot tokens as unset, so the terminal chat starts", () => {
    const config = readConfig({}, { TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: " " });
    expect(config.telegramToken).toBeUndefined();
    expect(config.discordToken).toBeUndefined();
  });

  it("takes REGBOT_MAX_CITATIONS from 1 to 10, and 3 when unset", () => {
    expect(readConfig({}, {}).maxCitations).toBe(3);
    expect(readConfig({}, { REGBOT_MAX_CITATIONS: "5" }).maxCitations).toBe(5);
  });

  it("refuses a REGBOT_MAX_CITATIONS outside 1 to 10, naming the setting and the fix", () => {
    for (const value of ["0", "11", "2.5", "three"]) {
      const error = regbotErrorOf(() => readConfig({}, { REGBOT_MAX_CITATIONS: value }));
      expect(error.code).toBe("BAD_INPUT");
      expect(error.message).toBe(`Configuration problems:\n- REGBOT_MAX_CITATIONS must be a whole number from 1 to 10 (it is “${value}”); unset it for the default, 3.`);
    }
  });

  it("turns on Telegram's webhook mode only with a public https URL, on port 8443 unless told", () => {
    expect(readConfig({}, {}).telegramWebhook).toBeUndefined();
    expect(readConfig({}, { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/hook" }).telegramWebhook).toEqual({ url: "https://bot.example.org/hook", port: 8443, host: "0.0.0.0", secret: undefined });
    expect(regbotErrorOf(() => readConfig({}, { TELEGRAM_WEBHOOK_URL: "http://bot.example.org/hook" })).message).toContain("TELEGRAM_WEBHOOK_URL must be the public https:// address");
    expect(regbotErrorOf(() => readConfig({}, { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/hook", TELEGRAM_WEBHOOK_SECRET: "has spaces" })).message).toContain("TELEGRAM_WEBHOOK_SECRET may hold only");
  });
});

// Made up, but shaped like real ones: a bot id, a colon and 35 characters from @BotFather; base64url of a Discord
// application id, a timestamp part and the secret.
const TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const TELEGRAM_SECRET = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GnHa5n.FtLCJAwq8l6WAWXZ_3K_p3KEqY99l3hAP4qrUw";
const DISCORD_SECRET = "FtLCJAwq8l6WAWXZ_3K_p3KEqY99l3hAP4qrUw";

/** Every setting set to the empty string: unset, whatever the environment running the tests holds. */
const UNSET = Object.fromEntries(SETTING_NAMES.map((name) => [name, ""]));

describe("readConfig, checking every setting at once", () => {
  it("lists every problem in one message, one line per setting in the order they are documented", () => {
    const error = regbotErrorOf(() => readConfig({}, { REGBOT_MAX_CITATIONS: "abc", LOG_LEVEL: "loud", HEALTH_PORT: "70000", TELEGRAM_BOT_TOKEN: "not-a-token" }));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toBe(
      [
        "Configuration problems:",
        "- REGBOT_MAX_CITATIONS must be a whole number from 1 to 10 (it is “abc”); unset it for the default, 3.",
        "- LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (it is “loud”); unset it for the default, warn.",
        "- HEALTH_PORT must be a whole number from 1 to 65535 (it is “70000”); unset it to serve no health endpoint.",
        "- TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret from @BotFather); copy it again from @BotFather, or unset it to run without Telegram.",
      ].join("\n"),
    );
  });

  it("treats every setting set to the empty string, or to spaces, as unset", () => {
    expect(readConfig({}, UNSET)).toEqual(readConfig({}, {}));
    expect(readConfig({}, Object.fromEntries(SETTING_NAMES.map((name) => [name, "  "])))).toEqual(readConfig({}, {}));
  });

  it("gives the defaults: warn logging, no health endpoint, evidence kept a year, feeds polled every 15 minutes", () => {
    expect(readConfig({}, {})).toMatchObject({ logLevel: "warn", health: undefined, evidenceDays: 365, floodLimit: 5, feedIntervalMinutes: 15 });
  });

  it("takes LOG_LEVEL in any case, and the health endpoint on 127.0.0.1 unless HEALTH_HOST says otherwise", () => {
    expect(readConfig({}, { LOG_LEVEL: "DEBUG" }).logLevel).toBe("debug");
    expect(readConfig({}, { HEALTH_PORT: "9464" }).health).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(readConfig({}, { HEALTH_PORT: "9464", HEALTH_HOST: "0.0.0.0" }).health).toEqual({ port: 9464, host: "0.0.0.0" });
    expect(regbotErrorOf(() => readConfig({}, { HEALTH_HOST: "http://localhost" })).message).toContain("HEALTH_HOST must be a host name or IP address to listen on");
  });

  it("keeps warning evidence from 0 (forever) to 3650 days", () => {
    expect(readConfig({}, { REGBOT_EVIDENCE_DAYS: "0" }).evidenceDays).toBe(0);
    expect(readConfig({}, { REGBOT_EVIDENCE_DAYS: "3650" }).evidenceDays).toBe(3650);
    expect(regbotErrorOf(() => readConfig({}, { REGBOT_EVIDENCE_DAYS: "3651" })).message).toBe(
      "Configuration problems:\n- REGBOT_EVIDENCE_DAYS must be a whole number of days from 0 to 3650, 0 keeping evidence forever (it is “3651”); unset it for the default, 365.",
    );
  });

  it("accepts bot tokens shaped like the platforms' real ones", () => {
    const config = readConfig({}, { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, DISCORD_TOKEN });
    expect(config.telegramToken).toBe(TELEGRAM_TOKEN);
    expect(config.discordToken).toBe(DISCORD_TOKEN);
    // A shorter secret still passes: the check is about shape, never about rejecting a token that works.
    expect(readConfig({}, { TELEGRAM_BOT_TOKEN: "7012345678:AAE_abcdefghijklmnopq-r" }).telegramToken).toBe("7012345678:AAE_abcdefghijklmnopq-r");
  });

  it("refuses malformed tokens, naming the setting and the fix without echoing the token", () => {
    const telegram = [TELEGRAM_SECRET, `bot${TELEGRAM_TOKEN}`, `${TELEGRAM_TOKEN} extra`, "123456789:AAHdqTcv"];
    for (const token of telegram) {
      const { message } = regbotErrorOf(() => readConfig({}, { TELEGRAM_BOT_TOKEN: token }));
      expect(message).toContain("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret from @BotFather)");
      expect(message).not.toContain(token);
      expect(message).not.toContain(TELEGRAM_SECRET.slice(0, 8));
    }
    // With the "Bot " prefix of an Authorization header, one part missing, or the application's client secret.
    const discord = [`Bot ${DISCORD_TOKEN}`, DISCORD_TOKEN.slice(0, DISCORD_TOKEN.lastIndexOf(".")), "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"];
    for (const token of discord) {
      const { message } = regbotErrorOf(() => readConfig({}, { DISCORD_TOKEN: token }));
      expect(message).toContain("DISCORD_TOKEN does not look like a bot token");
      expect(message).not.toContain(token);
      expect(message).not.toContain(DISCORD_SECRET.slice(0, 8));
    }
  });

  it("refuses API roots that are not http(s) addresses and an application id that is not a snowflake", () => {
    expect(readConfig({}, { TELEGRAM_API_ROOT: "http://localhost:8081", DISCORD_API_ROOT: "http://127.0.0.1:9000/api" })).toMatchObject({ telegramApiRoot: "http://localhost:8081", discordApiRoot: "http://127.0.0.1:9000/api" });
    const { message } = regbotErrorOf(() => readConfig({}, { TELEGRAM_API_ROOT: "localhost:8081", DISCORD_API_ROOT: "ftp://x", DISCORD_APPLICATION_ID: "my-app" }));
    expect(message.split("\n").slice(1).map((line) => line.split(" ")[1])).toEqual(["TELEGRAM_API_ROOT", "DISCORD_APPLICATION_ID", "DISCORD_API_ROOT"]);
    expect(readConfig({}, { DISCORD_APPLICATION_ID: "900000000000000001" }).discordApplicationId).toBe("900000000000000001");
  });
});

describe("loadDotEnv", () => {
  const names = ["REGBOT_TEST_FROM_FILE", "REGBOT_TEST_EMPTY", "REGBOT_TEST_SET"];
  const cleanUp = () => names.forEach((name) => delete process.env[name]);

  it("applies the file's values for unset or empty variables, keeps set ones, and says which it applied", () => {
    cleanUp();
    onTestFinished(cleanUp);
    const file = path.join(tempDir(), ".env");
    fs.writeFileSync(file, "REGBOT_TEST_FROM_FILE=file\nREGBOT_TEST_EMPTY=file\nREGBOT_TEST_SET=file\n");
    process.env.REGBOT_TEST_EMPTY = "";
    process.env.REGBOT_TEST_SET = "environment";
    const applied = loadDotEnv(file);
    expect([...applied].sort()).toEqual(["REGBOT_TEST_EMPTY", "REGBOT_TEST_FROM_FILE"]);
    expect(names.map((name) => process.env[name])).toEqual(["file", "file", "environment"]);
  });

  it("applies nothing when there is no .env", () => {
    expect(loadDotEnv(path.join(tempDir(), ".env")).size).toBe(0);
  });
});

describe("inspectConfig", () => {
  const sourceOf = (report: ReturnType<typeof inspectConfig>, name: string) => report.settings.find((s) => s.name === name);

  it("says where each setting came from: flag, environment, .env or default", () => {
    const report = inspectConfig({ db: "/tmp/flag.db" }, { REGBOT_DB: "/tmp/env.db", REGBOT_MAX_CITATIONS: "5", LOG_LEVEL: "info", REGBOT_FLOOD_LIMIT: "" }, new Set(["LOG_LEVEL"]));
    expect(report.problems).toEqual([]);
    expect(report.settings.map((s) => s.name)).toEqual(SETTING_NAMES);
    expect(sourceOf(report, "REGBOT_DB")).toEqual({ name: "REGBOT_DB", value: "/tmp/flag.db", source: "flag" });
    expect(sourceOf(report, "REGBOT_MAX_CITATIONS")).toEqual({ name: "REGBOT_MAX_CITATIONS", value: "5", source: "environment" });
    expect(sourceOf(report, "LOG_LEVEL")).toEqual({ name: "LOG_LEVEL", value: "info", source: ".env" });
    expect(sourceOf(report, "REGBOT_FLOOD_LIMIT")).toEqual({ name: "REGBOT_FLOOD_LIMIT", value: "5", source: "default" });
    expect(sourceOf(report, "HEALTH_PORT")).toEqual({ name: "HEALTH_PORT", value: null, source: "default" });
  });

  it("masks the tokens and the webhook secret, showing only Telegram's public bot id", () => {
    const report = inspectConfig({}, { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, DISCORD_TOKEN, TELEGRAM_WEBHOOK_SECRET: "s3cret-token", TELEGRAM_WEBHOOK_URL: `https://bot.example.org/${TELEGRAM_TOKEN}` }, new Set());
    expect(sourceOf(report, "TELEGRAM_BOT_TOKEN")?.value).toBe("123456789:****");
    expect(sourceOf(report, "DISCORD_TOKEN")?.value).toBe("set (****)");
    expect(sourceOf(report, "TELEGRAM_WEBHOOK_SECRET")?.value).toBe("set (****)");
    expect(sourceOf(report, "TELEGRAM_WEBHOOK_URL")?.value).toBe("https://bot.example.org/****");
  });

  it("reports the problems instead of throwing them", () => {
    const report = inspectConfig({}, { REGBOT_FEED_INTERVAL: "0", DISCORD_TOKEN: "nope" }, new Set());
    expect(report.problems).toEqual([
      "REGBOT_FEED_INTERVAL must be a whole number of minutes from 1 to 1440 (it is “0”); unset it for the default, 15.",
      "DISCORD_TOKEN does not look like a bot token (three parts separated by dots, from the Developer Portal → Bot → Reset Token); copy it again, without a “Bot ” prefix, or unset it to run without Discord.",
    ]);
    expect(sourceOf(report, "REGBOT_FEED_INTERVAL")).toEqual({ name: "REGBOT_FEED_INTERVAL", value: "0", source: "environment" });
  });
});

describe(".env.example", () => {
  const example = fs.readFileSync(path.join(PACKAGE_ROOT, ".env.example"), "utf8");

  it("documents every setting, each after a comment line", () => {
    const lines = example.split("\n");
    for (const name of SETTING_NAMES) {
      const at = lines.findIndex((line) => line.startsWith(`# ${name}=`));
      expect(at, name).toBeGreaterThan(0);
      expect(lines[at - 1], name).toMatch(/^# \S.*Default: /);
    }
  });

  it("changes nothing when copied to .env as it is", () => {
    expect(parseEnv(example)).toEqual({});
  });
});

describe("the .env file", () => {
  const regbot = (cwd: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "bin", "regbot"), "ask", "--json", "what does MiCA require of stablecoin issuers?"], {
      cwd,
      env: { ...process.env, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", REGBOT_MAX_CITATIONS: "", ...env },
      encoding: "utf8",
    });

  it("gives settings from the working folder's .env, and the environment wins over it", () => {
    const dir = tempDir();
    const db = path.join(dir, "regbot.db");
    fs.writeFileSync(path.join(dir, ".env"), `REGBOT_DB=${db}\nREGBOT_MAX_CITATIONS=1\n`);
    const fromFile = regbot(dir, {});
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect((JSON.parse(fromFile.stdout) as { citations: unknown[] }).citations).toHaveLength(1);
    expect(fs.existsSync(db)).toBe(true);

    const overridden = regbot(dir, { REGBOT_MAX_CITATIONS: "2" });
    expect((JSON.parse(overridden.stdout) as { citations: unknown[] }).citations).toHaveLength(2);
  });
});

describe("regbot config", () => {
  /** Runs the real `bin/regbot ARGS` in `cwd` with every setting unset but those in `env`. */
  const run = (args: readonly string[], cwd: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "bin", "regbot"), ...args], { cwd, env: { ...process.env, ...UNSET, NO_COLOR: "1", ...env }, encoding: "utf8" });

  it("prints each setting, its value and where it came from, with the secrets masked", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, ".env"), `DISCORD_TOKEN=${DISCORD_TOKEN}\nREGBOT_MAX_CITATIONS=4\n`);
    const result = run(["--db", "/tmp/flag.db", "config"], dir, { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram", TELEGRAM_WEBHOOK_SECRET: "s3cret-webhook-token" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const rows = new Map(result.stdout.trimEnd().split("\n").map((line) => { const [name, source, ...value] = line.split(/\s+/); return [name, { source, value: value.join(" ") }]; }));
    expect(rows.get("SETTING")).toEqual({ source: "FROM", value: "VALUE" });
    expect(rows.get("REGBOT_DB")).toEqual({ source: "flag", value: "/tmp/flag.db" });
    expect(rows.get("REGBOT_MAX_CITATIONS")).toEqual({ source: ".env", value: "4" });
    expect(rows.get("REGBOT_FLOOD_LIMIT")).toEqual({ source: "default", value: "5" });
    expect(rows.get("TELEGRAM_BOT_TOKEN")).toEqual({ source: "environment", value: "123456789:****" });
    expect(rows.get("DISCORD_TOKEN")).toEqual({ source: ".env", value: "set (****)" });
    expect(rows.get("TELEGRAM_WEBHOOK_SECRET")).toEqual({ source: "environment", value: "set (****)" });
    expect(rows.get("HEALTH_PORT")).toEqual({ source: "default", value: "(not set)" });
    expect(rows.size).toBe(SETTING_NAMES.length + 1);
    for (const secret of [TELEGRAM_SECRET, DISCORD_SECRET, DISCORD_TOKEN.split(".")[0]!, "s3cret-webhook-token"]) expect(result.stdout).not.toContain(secret);
  });

  it("prints the same as JSON with --json", () => {
    const result = run(["config", "--json"], tempDir(), { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, LOG_LEVEL: "info" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as ReturnType<typeof inspectConfig>;
    expect(report.problems).toEqual([]);
    expect(report.settings).toContainEqual({ name: "TELEGRAM_BOT_TOKEN", value: "123456789:****", source: "environment" });
    expect(report.settings).toContainEqual({ name: "LOG_LEVEL", value: "info", source: "environment" });
    expect(report.settings).toContainEqual({ name: "DISCORD_TOKEN", value: null, source: "default" });
    expect(result.stdout).not.toContain(TELEGRAM_SECRET);
  });

  it("lists every problem and exits 1 for bad settings, still without echoing the tokens", () => {
    const badTelegram = `bot${TELEGRAM_TOKEN}`;
    const badDiscord = `Bot ${DISCORD_TOKEN}`;
    const env = { TELEGRAM_BOT_TOKEN: badTelegram, DISCORD_TOKEN: badDiscord, REGBOT_MAX_CITATIONS: "abc", HEALTH_PORT: "0" };
    const result = run(["config"], tempDir(), env);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        "regbot: Configuration problems:",
        "- REGBOT_MAX_CITATIONS must be a whole number from 1 to 10 (it is “abc”); unset it for the default, 3.",
        "- HEALTH_PORT must be a whole number from 1 to 65535 (it is “0”); unset it to serve no health endpoint.",
        "- TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret from @BotFather); copy it again from @BotFather, or unset it to run without Telegram.",
        "- DISCORD_TOKEN does not look like a bot token (three parts separated by dots, from the Developer Portal → Bot → Reset Token); copy it again, without a “Bot ” prefix, or unset it to run without Discord.",
        "",
      ].join("\n"),
    );
    expect(result.stdout).toContain("REGBOT_MAX_CITATIONS");
    const json = run(["config", "--json"], tempDir(), env);
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as { problems: string[] }).problems).toHaveLength(4);
    for (const output of [result.stdout, result.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(TELEGRAM_SECRET);
      expect(output).not.toContain(DISCORD_SECRET);
    }
  });

  it("stops any other command with the same list before it opens the database", () => {
    const dir = tempDir();
    const db = path.join(dir, "regbot.db");
    const result = run(["ask", "is crypto banned in China?"], dir, { REGBOT_DB: db, REGBOT_FEED_INTERVAL: "0", LOG_LEVEL: "verbose" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").slice(0, 3)).toEqual([
      "regbot: Configuration problems:",
      "- REGBOT_FEED_INTERVAL must be a whole number of minutes from 1 to 1440 (it is “0”); unset it for the default, 15.",
      "- LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (it is “verbose”); unset it for the default, warn.",
    ]);
    expect(fs.existsSync(db)).toBe(false);
  });
});
