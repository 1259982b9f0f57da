import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";

/** The name a forgotten member's records carry instead of theirs. */
export const FORGOTTEN = "[forgotten]";

/** What {@link createPrivacy}'s `forget` erased. */
export interface ForgetReport {
  /** Warnings of the member whose name, reason and evidence were erased (the warnings still count). */
  readonly warnings: number;
  /** Warnings the member gave as a moderator, whose moderator name was erased. */
  readonly given: number;
  /** Audit entries where the member's name (and the entry's free text) was erased. */
  readonly audit: number;
  /** Chats where the member's name and username were deleted from the members seen. */
  readonly membersSeen: number;
}

/** Erasing what regbot stores about people, on request or by age. */
export interface Privacy {
  /**
   * Erases what is stored about one member of one platform, in every chat: names, usernames, warning reasons and
   * evidence. Warning counts stay, under the member's id only, so a warn limit still applies to them.
   */
  forget(platform: string, userId: string): ForgetReport;
  /** Erases the evidence (the quoted message) of warnings older than `days`. Returns how many. */
  pruneEvidence(days: number): number;
}

/** Creates the privacy operations over an open, migrated database. */
export function createPrivacy(db: Db, options: { file: string; now?: () => Date }): Privacy {
  const guard = sqliteGuard(options.file);
  const now = () => options.now?.() ?? new Date();
  const anonymiseWarnings = db.prepare<[string, string, string]>("UPDATE warnings SET user_name = ?, reason = '', evidence = NULL WHERE platform = ? AND user_id = ?");
  const anonymiseGiven = db.prepare<[string, string, string]>("UPDATE warnings SET moderator_name = ? WHERE platform = ? AND moderator_id = ?");
  const anonymiseTarget = db.prepare<[string, string, string]>("UPDATE audit SET target_name = ?, detail = '' WHERE platform = ? AND target_id = ?");
  const anonymiseActor = db.prepare<[string, string, string]>("UPDATE audit SET actor_name = ? WHERE platform = ? AND actor_id = ?");
  const forgetSeen = db.prepare<[string, string]>("DELETE FROM members_seen WHERE platform = ? AND user_id = ?");
  const prune = db.prepare<[string]>("UPDATE warnings SET evidence = NULL WHERE evidence IS NOT NULL AND created_at < ?");
  return {
    forget: (platform, userId) =>
      guard(() =>
        db.transaction(() => {
          const warnings = anonymiseWarnings.run(FORGOTTEN, platform, userId).changes;
          const given = anonymiseGiven.run(FORGOTTEN, platform, userId).changes;
          const audit = anonymiseTarget.run(FORGOTTEN, platform, userId).changes + anonymiseActor.run(FORGOTTEN, platform, userId).changes;
          const membersSeen = forgetSeen.run(platform, userId).changes;
          return { warnings, given, audit, membersSeen };
        }).immediate(),
      ),
    pruneEvidence: (days) =>
      guard(() => {
        if (days <= 0) return 0;
        const cutoff = new Date(now().getTime() - days * 86_400_000).toISOString();
        return prune.run(cutoff).changes;
      }),
  };
}
