import { expect } from "vitest";

/** The tags of Telegram's HTML parse mode that regbot uses. */
const ALLOWED_TAG = /<\/?(?:b|i|code)>|<a href="[^"<>]*">|<\/a>/g;

/**
 * Expects `html` to be text Telegram can parse: once the allowed tags are stripped, no `<` or `>` is left, and
 * every `&` starts one of the entities regbot writes.
 */
export function expectOnlyAllowedHtml(html: string): void {
  const rest = html.replace(ALLOWED_TAG, "");
  expect(rest, html).not.toMatch(/[<>]/);
  expect(rest, html).not.toMatch(/&(?!(?:amp|lt|gt|quot);)/);
}

/** Expects every tag opened in `html` to be closed in it, innermost first (Telegram parses each message alone). */
export function expectBalancedTags(html: string): void {
  const open: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)(b|i|code|a)\b[^>]*>/g)) {
    if (closing) expect(open.pop(), html).toBe(name);
    else open.push(name!);
  }
  expect(open, html).toEqual([]);
}
