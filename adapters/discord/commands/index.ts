import type { Command } from "../context.js";
import { article } from "./article.js";
import { ask } from "./ask.js";
import { about, help } from "./help.js";
import { latest } from "./latest.js";
import { modlog, resetwarns, unwarn, warn, warnconfig, warns } from "./moderation.js";
import { qa } from "./qa.js";
import { subscribe, subscriptions, unsubscribe } from "./subscribe.js";

/** Every slash command regbot has, by name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([ask, latest, article, help, about, qa, warn, warns, unwarn, resetwarns, warnconfig, modlog, subscribe, subscriptions, unsubscribe].map((c) => [c.data.name, c]));
