import matter from "gray-matter";
import type { ArticleDraft } from "./article.js";
import { draftFromFields } from "./parse-json.js";

/**
 * Parses a Markdown article with YAML front matter (title, url, source, published, jurisdictions, topics).
 * The body is turned into plain text; a missing title falls back to the first `#` heading.
 */
export function parseMarkdown(text: string): ArticleDraft | { error: string } {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches by content; passing options turns that off. Its JavaScript engine would run code from
    // the file (`---js`): only YAML and JSON front matter are read.
    parsed = matter(text, { engines: { javascript: refuse, js: refuse, coffee: refuse, coffeescript: refuse, cson: refuse } });
  } catch (error) {
    return { error: `the front matter is not valid YAML (${firstLine(error)})` };
  }
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  let content = parsed.content;
  if (typeof data.title !== "string" || !data.title.trim()) {
    const heading = /^\s*#\s+(.+)$/m.exec(content);
    if (heading) {
      data.title = heading[1]!.trim();
      content = content.replace(heading[0], "");
    }
  }
  return draftFromFields({ ...data, body: markdownToText(content) });
}

/** Strips Markdown syntax that would read as noise in a chat snippet; keeps paragraphs apart. */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, "\n")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}#{1,6}\s+(.*)$/gm, "$1.")
    // A list item is a sentence of its own, so a snippet never runs two items together.
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+(.*?)[.;,:]?\s*$/gm, (_, item: string) => `${item}.\n`)
    .replace(/^\s*>\s?/gm, "")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .split(/\n{2,}/)
    .map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean).join(" "))
    .filter(Boolean)
    .join("\n\n")
    .replace(/\.\.$/gm, ".");
}

function refuse(): never {
  throw new Error("only YAML front matter is read (not JavaScript or CoffeeScript)");
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
