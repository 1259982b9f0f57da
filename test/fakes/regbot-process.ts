import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The real `bin/regbot`, by absolute path. */
export const REGBOT_BIN = path.join(ROOT, "bin", "regbot");

let outside: string | undefined;
/**
 * An empty folder to run regbot in: never the checkout, whose git-ignored `.env` (a developer's real tokens) would
 * fill every setting a test leaves empty.
 */
export function outsideCheckout(): string {
  return (outside ??= fs.mkdtempSync(path.join(os.tmpdir(), "regbot-cwd-")));
}

/** A real `bin/regbot` process, as a user starts it. */
export interface RegbotProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, standard output and error together. */
  output(): string;
  /** Resolves once `text` has been printed; rejects after `timeoutMs` with what was printed. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node bin/regbot ARGS` with `env` added to this process's environment (bot tokens empty unless given,
 * no colours), and kills it when the test ends if it is still running.
 */
export function startRegbot(args: readonly string[], env: Record<string, string>): RegbotProcess {
  const child = spawn(process.execPath, [REGBOT_BIN, ...args], {
    cwd: outsideCheckout(),
    env: { ...process.env, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    child,
    output: () => output,
    exited,
    printed: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`regbot never printed “${text}”:\n${output}`)), timeoutMs);
        const check = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          resolve();
        };
        child.stdout!.on("data", check);
        child.stderr!.on("data", check);
        check();
      }),
  };
}
