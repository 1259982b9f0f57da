import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";
import { RegbotError } from "../errors.js";
import { MAX_MUTE_SECONDS, MIN_MUTE_SECONDS } from "./duration.js";

/** Someone on a platform: their id and a display name (kept as given; adapters escape it). */
export interface Person {
  readonly id: string;
  readonly name: string;
}

/** Where a moderation command happens. */
export interface Place {
  readonly platform: string;
  readonly chatId: string;
}

/** What happens at the limit. */
export type WarnAction = "mute" | "kick" | "ban";

/** A chat's warning policy. */
export interface WarnPolicy {
  /** Warnings that trigger the action (default 3). */
  readonly limit: number;
  readonly action: WarnAction;
  /** Mute or ban length in seconds; `null` for a permanent ban (a mute always has one: default 24 h). */
  readonly durationSeconds: number | null;
  /** Warnings older than this stop counting; `null`: they never expire. */
  readonly expirySeconds: number | null;
  /** Where the audit trail is posted; `null`: nowhere. */
  readonly logChat: string | null;
  /** Whether the warned member is told by direct message (where the platform allows it). Default on. */
  readonly dmMember: boolean;
}

/** The policy of a chat nobody configured. */
export const DEFAULT_POLICY: WarnPolicy = { limit: 3, action: "mute", durationSeconds: 24 * 3600, expirySeconds: null, logChat: null, dmMember: true };

/** A recorded warning. */
export interface Warning {
  readonly id: number;
  readonly userId: string;
  readonly userName: string;
  readonly moderatorId: string;
  readonly moderatorName: string;
  readonly reason: string;
  readonly evidence: string | null;
  readonly createdAt: string;
}

/** The outcome of a warn: the warning, the member's active count, and the action due when the limit was reached. */
export interface WarnOutcome {
  readonly warning: Warning;
  readonly count: number;
  readonly policy: WarnPolicy;
  /** Set when this warning reached the limit: the member's active warnings are closed as escalated. */
  readonly action: { readonly kind: WarnAction; readonly durationSeconds: number | null } | null;
  /** The warnings closed by reaching the limit (to reopen them if the platform refuses the action). */
  readonly escalated: readonly number[];
  /** This command was recorded before (same source key): nothing was changed now. */
  readonly duplicate?: boolean;
}

/** An audit entry. */
export interface AuditEntry {
  readonly id: number;
  readonly actor: Person;
  readonly target: Person | null;
  readonly what: string;
  readonly detail: string;
  readonly at: string;
}

/**
 * The warnings ledger: warnings, each chat's policy and the audit trail, in SQLite. Every change and its audit
 * entry are written in one immediate transaction, so concurrent warns never lose a count or act twice, and a
 * killed process leaves a warning either wholly recorded or absent.
 */
export interface WarningLedger {
  /**
   * Records a warning and, at the limit, closes the member's warnings as escalated and says which action is due.
   * `sourceKey` names the command it came from: the same key again (an update redelivered after a crash)
   * records nothing and returns `duplicate: true`.
   */
  warn(place: Place, target: Person, moderator: Person, reason: string, evidence?: string | null, sourceKey?: string): WarnOutcome;
  /** The member's active warnings (not removed, escalated, reset or expired), oldest first. */
  active(place: Place, userId: string): Warning[];
  /** Removes the member's latest active warning, or the one with `warningId`; `null` when there is none. */
  unwarn(place: Place, target: Person, moderator: Person, warningId?: number): Warning | null;
  /** Clears all of the member's active warnings; returns how many. */
  reset(place: Place, target: Person, moderator: Person): number;
  policy(place: Place): WarnPolicy;
  setPolicy(place: Place, moderator: Person, change: Partial<WarnPolicy>): WarnPolicy;
  /**
   * The platform refused the action due at the limit: the warnings it closed count again, and the refusal is
   * audited — so the member stays at the limit and the warning is really still recorded.
   */
  reopen(place: Place, moderator: Person, target: Person, warningIds: readonly number[], what: string, detail: string): void;
  /** Records an action or a refusal that is not a ledger change itself (e.g. "mute failed: not enough rights"). */
  record(place: Place, actor: Person, target: Person | null, what: string, detail?: string): void;
  /** Recent audit entries, newest first, optionally about one member. */
  log(place: Place, options?: { userId?: string; limit?: number }): AuditEntry[];
  /** Remembers a timed ban to lift when due (platforms without timed bans of their own). */
  scheduleUnban(place: Place, userId: string, until: Date): void;
  /** Timed bans due by `at`, on `platform`. */
  dueUnbans(platform: string, at: Date): Array<{ place: Place; userId: string }>;
  /** The ban was lifted (or is gone): forget it. */
  unbanned(place: Place, userId: string): void;
  /** Moves a chat's warnings, policy and audit to a new id (a Telegram group upgraded to a supergroup). */
  moveChat(platform: string, fromId: string, toId: string): void;
}

interface WarningRow {
  id: number;
  user_id: string;
  user_name: string;
  moderator_id: string;
  moderator_name: string;
  reason: string;
  evidence: string | null;
  created_at: string;
}

const toWarning = (r: WarningRow): Warning => ({
  id: r.id,
  userId: r.user_id,
  userName: r.user_name,
  moderatorId: r.moderator_id,
  moderatorName: r.moderator_name,
  reason: r.reason,
  evidence: r.evidence,
  createdAt: r.created_at,
});

/** Checks a policy change: limits 1–20, mutes 1 minute to 28 days, timed bans at least a minute, expiry at least a minute. */
function validate(policy: WarnPolicy): WarnPolicy {
  if (!Number.isInteger(policy.limit) || policy.limit < 1 || policy.limit > 20) throw new RegbotError("BAD_INPUT", "The warn limit must be a whole number from 1 to 20.");
  if (policy.expirySeconds !== null && policy.expirySeconds < 60) throw new RegbotError("BAD_INPUT", "Warnings can expire after 1 minute at the soonest (e.g. 30d), or never (off).");
  if (policy.action === "kick") return { ...policy, durationSeconds: null };
  if (policy.action === "mute") {
    const d = policy.durationSeconds ?? DEFAULT_POLICY.durationSeconds!;
    if (d < MIN_MUTE_SECONDS || d > MAX_MUTE_SECONDS) throw new RegbotError("BAD_INPUT", "A mute lasts from 1 minute to 28 days (e.g. 30m, 12h, 7d): the longest both Telegram and Discord honour.");
    return { ...policy, durationSeconds: d };
  }
  // Telegram treats an until_date more than 366 days ahead as forever: a longer timed ban would never end.
  if (policy.durationSeconds !== null && (policy.durationSeconds < MIN_MUTE_SECONDS || policy.durationSeconds > 366 * 86400)) {
    throw new RegbotError("BAD_INPUT", "A timed ban lasts from 1 minute to 366 days; for longer, ban without a duration.");
  }
  return policy;
}

/** Creates the ledger over an open, migrated database. `now` gives the time (a clock, for tests). */
export function createWarningLedger(db: Db, options: { file: string; now?: () => Date }): WarningLedger {
  const now = () => options.now?.() ?? new Date();
  const guard = sqliteGuard(options.file);
  const insertWarning = db.prepare(
    `INSERT INTO warnings (platform, chat_id, user_id, user_name, moderator_id, moderator_name, reason, evidence, created_at, source_key)
     VALUES (@platform, @chatId, @userId, @userName, @moderatorId, @moderatorName, @reason, @evidence, @at, @sourceKey)`,
  );
  const bySource = db.prepare<[string, string, string], WarningRow>("SELECT * FROM warnings WHERE platform = ? AND chat_id = ? AND source_key = ?");
  const activeRows = db.prepare<[string, string, string, string], WarningRow>(
    `SELECT * FROM warnings WHERE platform = ? AND chat_id = ? AND user_id = ? AND status = 'active' AND created_at >= ? ORDER BY id`,
  );
  const close = db.prepare<[string, string, string, number]>("UPDATE warnings SET status = ?, closed_at = ?, closed_by = ? WHERE id = ?");
  const policyRow = db.prepare<[string, string], { max_warns: number; action: WarnAction; duration_s: number | null; expiry_s: number | null; log_chat: string | null; dm_member: number }>(
    "SELECT max_warns, action, duration_s, expiry_s, log_chat, dm_member FROM warn_policies WHERE platform = ? AND chat_id = ?",
  );
  const insertBan = db.prepare<[string, string, string, string]>(
    "INSERT INTO timed_bans (platform, chat_id, user_id, until) VALUES (?, ?, ?, ?) ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET until = excluded.until",
  );
  const dueBans = db.prepare<[string, string], { chat_id: string; user_id: string }>("SELECT chat_id, user_id FROM timed_bans WHERE platform = ? AND until <= ? ORDER BY until");
  const deleteBan = db.prepare<[string, string, string]>("DELETE FROM timed_bans WHERE platform = ? AND chat_id = ? AND user_id = ?");
  const upsertPolicy = db.prepare(
    `INSERT INTO warn_policies (platform, chat_id, max_warns, action, duration_s, expiry_s, log_chat, dm_member) VALUES (@platform, @chatId, @limit, @action, @durationSeconds, @expirySeconds, @logChat, @dm)
     ON CONFLICT (platform, chat_id) DO UPDATE SET max_warns = excluded.max_warns, action = excluded.action, duration_s = excluded.duration_s, expiry_s = excluded.expiry_s, log_chat = excluded.log_chat, dm_member = excluded.dm_member`,
  );
  const insertAudit = db.prepare(
    `INSERT INTO audit (platform, chat_id, actor_id, actor_name, target_id, target_name, what, detail, at)
     VALUES (@platform, @chatId, @actorId, @actorName, @targetId, @targetName, @what, @detail, @at)`,
  );
  const auditRows = db.prepare<{ platform: string; chatId: string; userId: string | null; limit: number }, { id: number; actor_id: string; actor_name: string; target_id: string | null; target_name: string | null; what: string; detail: string; at: string }>(
    `SELECT * FROM audit WHERE platform = @platform AND chat_id = @chatId AND (@userId IS NULL OR target_id = @userId) ORDER BY id DESC LIMIT @limit`,
  );

  const policyOf = (place: Place): WarnPolicy => {
    const row = policyRow.get(place.platform, place.chatId);
    return row ? { limit: row.max_warns, action: row.action, durationSeconds: row.duration_s, expirySeconds: row.expiry_s, logChat: row.log_chat, dmMember: row.dm_member === 1 } : DEFAULT_POLICY;
  };
  const since = (policy: WarnPolicy, at: Date) => (policy.expirySeconds ? new Date(at.getTime() - policy.expirySeconds * 1000).toISOString() : "");
  const audit = (place: Place, actor: Person, target: Person | null, what: string, detail: string, at: string) =>
    insertAudit.run({ ...place, actorId: actor.id, actorName: actor.name, targetId: target?.id ?? null, targetName: target?.name ?? null, what, detail, at });

  const warnTx = db.transaction((place: Place, target: Person, moderator: Person, reason: string, evidence: string | null, sourceKey: string | null) => {
    const at = now();
    const stamp = at.toISOString();
    const policy = policyOf(place);
    const seen = sourceKey ? bySource.get(place.platform, place.chatId, sourceKey) : undefined;
    if (seen) {
      const count = activeRows.all(place.platform, place.chatId, target.id, since(policy, at)).length;
      return { warning: toWarning(seen), count, policy, action: null, escalated: [], duplicate: true };
    }
    const { lastInsertRowid } = insertWarning.run({ ...place, userId: target.id, userName: target.name, moderatorId: moderator.id, moderatorName: moderator.name, reason, evidence, at: stamp, sourceKey });
    audit(place, moderator, target, "warn", reason, stamp);
    const active = activeRows.all(place.platform, place.chatId, target.id, since(policy, at));
    const warning = toWarning(active.find((w) => w.id === Number(lastInsertRowid))!);
    if (active.length < policy.limit) return { warning, count: active.length, policy, action: null, escalated: [] };
    for (const w of active) close.run("escalated", stamp, moderator.id, w.id);
    const action = { kind: policy.action, durationSeconds: policy.durationSeconds };
    audit(place, moderator, target, `limit reached: ${policy.action}`, `${active.length}/${policy.limit}`, stamp);
    return { warning, count: active.length, policy, action, escalated: active.map((w) => w.id) };
  });
  const reopenRow = db.prepare<[number, string, string, string]>(
    "UPDATE warnings SET status = 'active', closed_at = NULL, closed_by = NULL WHERE id = ? AND status = 'escalated' AND platform = ? AND chat_id = ? AND user_id = ?",
  );

  return {
    warn: (place, target, moderator, reason, evidence = null, sourceKey) => guard(() => warnTx.immediate(place, target, moderator, reason.trim(), evidence, sourceKey ?? null)),
    active: (place, userId) => guard(() => activeRows.all(place.platform, place.chatId, userId, since(policyOf(place), now())).map(toWarning)),
    unwarn: (place, target, moderator, warningId) =>
      guard(() =>
        db.transaction(() => {
          const at = now();
          const active = activeRows.all(place.platform, place.chatId, target.id, since(policyOf(place), at));
          const row = warningId === undefined ? active.at(-1) : active.find((w) => w.id === warningId);
          if (!row) return null;
          close.run("removed", at.toISOString(), moderator.id, row.id);
          audit(place, moderator, target, "unwarn", `#${row.id}`, at.toISOString());
          return toWarning(row);
        }).immediate(),
      ),
    reset: (place, target, moderator) =>
      guard(() =>
        db.transaction(() => {
          const at = now();
          const active = activeRows.all(place.platform, place.chatId, target.id, since(policyOf(place), at));
          for (const w of active) close.run("reset", at.toISOString(), moderator.id, w.id);
          audit(place, moderator, target, "resetwarns", String(active.length), at.toISOString());
          return active.length;
        }).immediate(),
      ),
    policy: (place) => guard(() => policyOf(place)),
    setPolicy: (place, moderator, change) =>
      guard(() =>
        db.transaction(() => {
          const next = validate({ ...policyOf(place), ...change });
          upsertPolicy.run({ ...place, ...next, dm: next.dmMember ? 1 : 0 });
          audit(place, moderator, null, "warnconfig", JSON.stringify(change), now().toISOString());
          return next;
        }).immediate(),
      ),
    reopen: (place, moderator, target, ids, what, detail) =>
      guard(() =>
        db.transaction(() => {
          for (const id of ids) reopenRow.run(id, place.platform, place.chatId, target.id);
          audit(place, moderator, target, what, detail, now().toISOString());
        }).immediate(),
      ),
    record: (place, actor, target, what, detail = "") => guard(() => void audit(place, actor, target, what, detail, now().toISOString())),
    log: (place, opts = {}) =>
      guard(() =>
        auditRows.all({ ...place, userId: opts.userId ?? null, limit: Math.max(1, Math.min(opts.limit ?? 10, 100)) }).map((r) => ({
          id: r.id,
          actor: { id: r.actor_id, name: r.actor_name },
          target: r.target_id ? { id: r.target_id, name: r.target_name ?? "" } : null,
          what: r.what,
          detail: r.detail,
          at: r.at,
        })),
      ),
    scheduleUnban: (place, userId, until) => guard(() => void insertBan.run(place.platform, place.chatId, userId, until.toISOString())),
    dueUnbans: (platform, at) => guard(() => dueBans.all(platform, at.toISOString()).map((r) => ({ place: { platform, chatId: r.chat_id }, userId: r.user_id }))),
    unbanned: (place, userId) => guard(() => void deleteBan.run(place.platform, place.chatId, userId)),
    moveChat: (platform, fromId, toId) =>
      guard(() =>
        db.transaction(() => {
          for (const table of ["warnings", "audit"]) db.prepare(`UPDATE ${table} SET chat_id = ? WHERE platform = ? AND chat_id = ?`).run(toId, platform, fromId);
          const exists = policyRow.get(platform, toId);
          if (!exists) db.prepare("UPDATE warn_policies SET chat_id = ? WHERE platform = ? AND chat_id = ?").run(toId, platform, fromId);
        }).immediate(),
      ),
  };
}
