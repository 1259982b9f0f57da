import { Command } from "commander";
import { dotEnvNames, formatProblems, inspectConfig, type SettingReport } from "../../src/config.js";
import { quoteInput, RegbotError } from "../../src/errors.js";

/** What `regbot config` needs from the CLI. */
export interface ConfigCommandDeps {
  readonly out: (line: string) => void;
  /** The environment to read (default: `process.env`, with `.env` already applied). */
  readonly env?: NodeJS.ProcessEnv;
  /** The names `.env` supplied (default: those the last `loadDotEnv` applied). */
  readonly fromDotEnv?: ReadonlySet<string>;
}

/**
 * `regbot config`: the effective configuration, each setting with its value and where it came from, secrets
 * masked. With problems it still prints everything, then lists every problem and exits 1.
 */
export function configCommand(deps: ConfigCommandDeps): Command {
  return new Command("config")
    .description("Show the effective configuration: each setting, its value (secrets masked) and where it came from (flag, environment, .env, default); lists every problem and exits 1 when there are any.")
    .option("--json", "print {settings: [{name, value, source}], problems: [...]} as JSON")
    .action((opts: { json?: boolean }, command: Command) => {
      const { db } = command.optsWithGlobals<{ db?: string }>();
      const { settings, problems } = inspectConfig({ db }, deps.env ?? process.env, deps.fromDotEnv ?? dotEnvNames());
      if (opts.json) {
        deps.out(JSON.stringify({ settings, problems }));
        if (problems.length > 0) process.exitCode = 1;
        return;
      }
      deps.out(renderSettings(settings));
      if (problems.length > 0) throw new RegbotError("BAD_INPUT", formatProblems(problems));
    });
}

/** One line per setting in aligned columns; the value comes last, as paths can be long. */
function renderSettings(settings: readonly SettingReport[]): string {
  const rows = [["SETTING", "FROM", "VALUE"], ...settings.map((s) => [s.name, s.source, s.value === null ? "(not set)" : quoteInput(s.value, 500)])] as Array<[string, string, string]>;
  const nameWidth = Math.max(...rows.map((r) => r[0].length));
  const sourceWidth = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([name, source, value]) => `${name.padEnd(nameWidth)}  ${source.padEnd(sourceWidth)}  ${value}`).join("\n");
}
