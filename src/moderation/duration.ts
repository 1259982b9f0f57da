import { RegbotError } from "../errors.js";

const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** The shortest and longest mute both platforms honour: one minute to 28 days (Discord's timeout limit). */
export const MIN_MUTE_SECONDS = 60;
export const MAX_MUTE_SECONDS = 28 * 86400;

/** Reads a duration like `30m`, `12h` or `7d` into seconds; anything else is refused with an example. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,5})\s*([mhd])$/i.exec(text.trim());
  if (!m) throw new RegbotError("BAD_INPUT", `“${text.trim().slice(0, 20)}” is not a duration: use minutes, hours or days, like 30m, 12h or 7d.`);
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/** `90000` → `1d 1h`; whole units only. */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : ""].filter(Boolean).join(" ") || "0m";
}
