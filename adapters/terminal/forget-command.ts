import { Command, CommanderError } from "commander";
import type { Core } from "../../src/core.js";

/** What the `forget` command needs from the CLI. */
export interface ForgetCommandDeps {
  readonly withCore: <T>(work: (core: Core) => T | Promise<T>) => Promise<T>;
  readonly out: (line: string) => void;
}

const PLATFORMS = ["telegram", "discord"] as const;

/** `regbot forget --platform P --user ID`: erases what is stored about one member, on their request. */
export function forgetCommand(deps: ForgetCommandDeps): Command {
  return new Command("forget")
    .description(
      "Erase what regbot stores about one member (names, usernames, warning reasons and evidence) in every chat. Their warning counts stay, under their id only, so warn limits keep working.",
    )
    .requiredOption("--platform <name>", `telegram or discord`)
    .requiredOption("--user <id>", "the member's numeric user id")
    .action((opts: { platform: string; user: string }) => {
      const platform = opts.platform.trim().toLowerCase();
      if (!(PLATFORMS as readonly string[]).includes(platform)) throw new CommanderError(2, "regbot.usage", `--platform takes ${PLATFORMS.join(" or ")}.`);
      if (!/^\d{1,20}$/.test(opts.user.trim())) throw new CommanderError(2, "regbot.usage", "--user takes the member's numeric id (Telegram: the user id; Discord: right-click → Copy User ID).");
      return deps.withCore((core) => {
        const r = core.moderation.privacy.forget(platform, opts.user.trim());
        deps.out(
          `Forgot ${platform} user ${opts.user.trim()}: ${r.warnings} warning(s) anonymised (they still count), ${r.given} warning(s) they gave, ${r.audit} audit entr${r.audit === 1 ? "y" : "ies"}, seen in ${r.membersSeen} chat(s).`,
        );
      });
    });
}
