import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatReply, runChat } from "../../../adapters/terminal/chat.js";
import { createArticleStore } from "../../../src/articles/store.js";
import { createCore, type Core } from "../../../src/core.js";
import { openDatabase, type Db } from "../../../src/storage/database.js";

// Colour and bold (SGR) codes; readline's own cursor moves in terminal mode are not styling.
const STYLING = /\u001b\[[0-9;]*m/;

let tmp: string;
let db: Db;
let core: Core;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-chat-"));
  const file = path.join(tmp, "regbot.db");
  db = openDatabase(file);
  core = createCore({ store: createArticleStore(db, { file }) });
  const article = path.join(tmp, "atlantis.md");
  fs.writeFileSync(article, "---\ntitle: Atlantis bans crypto mining\npublished: 2024-03-01\njurisdictions: [Japan]\n---\nThe Atlantis regulator on 1 March 2024 banned crypto mining across the island.\n");
  core.ingest([article]);
});

afterAll(() => {
  db?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs an interactive chat session over `lines`, writing to an output that is (or is not) a terminal. */
async function interactiveChat(lines: string[], outputIsTerminal: boolean): Promise<string> {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { isTTY: outputIsTerminal });
  let written = "";
  output.on("data", (chunk: Buffer) => (written += chunk.toString("utf8")));
  const done = runChat(core, { input, output, interactive: true });
  input.end(`${lines.join("\n")}\n`);
  await done;
  return written;
}

describe("runChat", () => {
  const saved = process.env.NO_COLOR;
  beforeAll(() => {
    delete process.env.NO_COLOR;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.NO_COLOR = saved;
  });

  it("colours replies in an interactive session on a terminal", async () => {
    const out = await interactiveChat(["is crypto mining banned?", "/quit"], true);
    expect(out).toContain("Atlantis bans crypto mining");
    expect(out).toMatch(STYLING);
  });

  it("writes no colour codes when the replies go to a file or pipe, even with a keyboard on stdin", async () => {
    const out = await interactiveChat(["is crypto mining banned?", "/quit"], false);
    expect(out).toContain("Atlantis bans crypto mining");
    expect(out).not.toMatch(STYLING);
  });
});

describe("the chat's handling of odd input", () => {
  it("does not echo terminal escapes back in the unknown-command message", () => {
    const reply = chatReply(core, "/foo\u001b[31mbar", { color: false });
    expect(reply).not.toMatch(/\u001b/);
    expect(reply).toContain("Unknown command /foo[31mbar");
  });
});
