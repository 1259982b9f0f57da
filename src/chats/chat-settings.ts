import type { Db } from "../storage/database.js";
import { sqliteGuard } from "../storage/database.js";

/** Where a chat lets the bot answer questions: everywhere, nowhere, or only in one forum topic / channel. */
export type AnswerMode = "on" | "off" | "here";

/** A chat's settings. */
export interface ChatSettings {
  readonly answers: AnswerMode;
  /** With `here`: the topic (Telegram) or channel (Discord) answers are confined to. */
  readonly threadId: string | null;
}

/** Per-chat settings, kept in SQLite and keyed by platform and chat id. */
export interface ChatSettingsStore {
  get(platform: string, chatId: string | number): ChatSettings;
  /** The settings saved for a chat, or `undefined` when nobody set any. */
  find(platform: string, chatId: string | number): ChatSettings | undefined;
  set(platform: string, chatId: string | number, settings: ChatSettings): void;
  /** Moves a chat's settings to a new id (a Telegram group upgraded to a supergroup gets a new id). */
  move(platform: string, fromId: string | number, toId: string | number): void;
}

const DEFAULTS: ChatSettings = { answers: "on", threadId: null };

/** Creates the settings store over an open, migrated database. */
export function createChatSettingsStore(db: Db, options: { file: string; now?: () => Date }): ChatSettingsStore {
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const guard = sqliteGuard(options.file);
  const select = db.prepare<[string, string], { answers: string; thread_id: string | null }>("SELECT answers, thread_id FROM chat_settings WHERE platform = ? AND chat_id = ?");
  const upsert = db.prepare<[string, string, string, string | null, string]>(
    `INSERT INTO chat_settings (platform, chat_id, answers, thread_id, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (platform, chat_id) DO UPDATE SET answers = excluded.answers, thread_id = excluded.thread_id, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string, string]>("DELETE FROM chat_settings WHERE platform = ? AND chat_id = ?");
  return {
    get: (platform, chatId) =>
      guard(() => {
        const row = select.get(platform, String(chatId));
        return row ? { answers: row.answers as AnswerMode, threadId: row.thread_id } : DEFAULTS;
      }),
    find: (platform, chatId) =>
      guard(() => {
        const row = select.get(platform, String(chatId));
        return row ? { answers: row.answers as AnswerMode, threadId: row.thread_id } : undefined;
      }),
    set: (platform, chatId, settings) => guard(() => void upsert.run(platform, String(chatId), settings.answers, settings.threadId, now())),
    move: (platform, fromId, toId) =>
      guard(() =>
        db.transaction(() => {
          const row = select.get(platform, String(fromId));
          if (!row) return;
          upsert.run(platform, String(toId), row.answers, row.thread_id, now());
          remove.run(platform, String(fromId));
        })(),
      ),
  };
}
