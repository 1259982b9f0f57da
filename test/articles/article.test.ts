import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { articleId, articleIdentity, contentHash, normalizeDate, normalizeUrl } from "../../src/articles/article.js";

describe("normalizeUrl", () => {
  it("removes utm_* parameters, whatever their case", () => {
    expect(normalizeUrl("https://news.example/story?utm_source=tw&UTM_Medium=social&utm_campaign=x")).toBe("https://news.example/story");
  });

  it("removes click trackers such as fbclid and gclid but keeps real parameters", () => {
    expect(normalizeUrl("https://news.example/story?id=7&fbclid=IwAR0abc&gclid=xyz")).toBe("https://news.example/story?id=7");
  });

  it("removes the fragment", () => {
    expect(normalizeUrl("https://news.example/story#comments")).toBe("https://news.example/story");
  });

  it("lower-cases the host but not the path", () => {
    expect(normalizeUrl("HTTPS://News.EXAMPLE/Story/ABC")).toBe("https://news.example/Story/ABC");
  });

  it("removes trailing slashes from the path but keeps the root slash", () => {
    expect(normalizeUrl("https://news.example/story//")).toBe("https://news.example/story");
    expect(normalizeUrl("https://news.example/")).toBe("https://news.example/");
    expect(normalizeUrl("https://news.example")).toBe("https://news.example/");
  });

  it("removes the default port and sorts the remaining parameters", () => {
    expect(normalizeUrl("https://news.example:443/a?b=2&a=1")).toBe("https://news.example/a?a=1&b=2");
  });

  it("gives the same URL for every tracked variant of one story", () => {
    const variants = [
      "https://news.example/eu/mica/",
      "https://NEWS.example/eu/mica?utm_source=newsletter",
      "https://news.example/eu/mica#top",
      "  https://news.example/eu/mica?fbclid=abc  ",
    ];
    expect(new Set(variants.map(normalizeUrl))).toEqual(new Set(["https://news.example/eu/mica"]));
  });

  it("returns null for anything that is not an http(s) URL", () => {
    for (const raw of ["", "   ", null, undefined, "not a url", "ftp://files.example/a", "javascript:alert(1)", "news.example/story"]) {
      expect(normalizeUrl(raw)).toBeNull();
    }
  });
});

describe("normalizeDate", () => {
  it("keeps a YYYY-MM-DD date", () => {
    expect(normalizeDate("2021-03-03")).toBe("2021-03-03");
  });

  it("takes the day of a full ISO timestamp as written", () => {
    expect(normalizeDate("2021-03-03T23:30:00-05:00")).toBe("2021-03-03");
  });

  it("reads common written dates", () => {
    expect(normalizeDate("March 3, 2021")).toBe("2021-03-03");
    expect(normalizeDate("Mar 3, 2021")).toBe("2021-03-03");
    expect(normalizeDate("3 March 2021")).toBe("2021-03-03");
  });

  it("reads a Date object, as YAML front matter gives it", () => {
    expect(normalizeDate(new Date("2018-02-16T00:00:00Z"))).toBe("2018-02-16");
  });

  it("refuses a day that does not exist", () => {
    expect(normalizeDate("2021-02-30")).toBeNull();
    expect(normalizeDate("2021-13-01")).toBeNull();
  });

  it("refuses years outside 1990–2100, which are typos in news dates", () => {
    expect(normalizeDate("1899-01-01")).toBeNull();
    expect(normalizeDate("2999-01-01")).toBeNull();
  });

  it("returns null for text, values and dates it cannot read", () => {
    for (const raw of ["", "yesterday", null, undefined, {}, true, new Date("nonsense")]) expect(normalizeDate(raw)).toBeNull();
  });
});

describe("contentHash", () => {
  it("is equal for the same story however it was spaced or capitalised", () => {
    expect(contentHash("SEC Approves ETFs", "The SEC  approved\nthem.")).toBe(contentHash("sec approves etfs ", "the sec approved them."));
  });

  it("differs when the text differs", () => {
    expect(contentHash("SEC approves ETFs", "The SEC approved them.")).not.toBe(contentHash("SEC approves ETFs", "The SEC rejected them."));
  });

  it("is the SHA-256 of title and body, each NFKC, lower case, one space per run of white space, joined by a newline", () => {
    // Stored articles carry this hash: it must not change, or a stored story would no longer match itself.
    const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
    const title = " The  SEC\u00a0Approves ﬁve ETFs ";
    const body = "Paragraph one.\n\nParagraph\ttwo \u2028 with   spaces, Ｆｕｌｌｗｉｄｔｈ and ½.\r\n";
    expect(contentHash(title, body)).toBe(createHash("sha256").update(`${squash(title)}\n${squash(body)}`).digest("hex"));
  });
});

describe("articleIdentity", () => {
  it("is the URL when there is one, and the content hash otherwise", () => {
    expect(articleIdentity("https://news.example/a", "abc")).toBe("url:https://news.example/a");
    expect(articleIdentity(null, "abc")).toBe("hash:abc");
  });
});

describe("articleId", () => {
  it("is ten hex characters, stable for one identity and different for another", () => {
    const id = articleId("url:https://news.example/a");
    expect(id).toMatch(/^[0-9a-f]{10}$/);
    expect(articleId("url:https://news.example/a")).toBe(id);
    expect(articleId("url:https://news.example/b")).not.toBe(id);
  });
});
