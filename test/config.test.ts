import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env, PACKAGE_ROOT, readConfig } from "../src/config.js";
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
      expect(error.message).toBe(`REGBOT_MAX_CITATIONS must be a whole number from 1 to 10 (it is “${value}”). Fix it or unset it for the default, 3.`);
    }
  });

  it("turns on Telegram's webhook mode only with a public https URL, on port 8443 unless told", () => {
    expect(readConfig({}, {}).telegramWebhook).toBeUndefined();
    expect(readConfig({}, { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/hook" }).telegramWebhook).toEqual({ url: "https://bot.example.org/hook", port: 8443, host: "0.0.0.0", secret: undefined });
    expect(regbotErrorOf(() => readConfig({}, { TELEGRAM_WEBHOOK_URL: "http://bot.example.org/hook" })).message).toContain("TELEGRAM_WEBHOOK_URL must be the public https:// address");
    expect(regbotErrorOf(() => readConfig({}, { TELEGRAM_WEBHOOK_URL: "https://bot.example.org/hook", TELEGRAM_WEBHOOK_SECRET: "has spaces" })).message).toContain("TELEGRAM_WEBHOOK_SECRET may hold only");
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
