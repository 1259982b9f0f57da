import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { ArticleDraft } from "../../src/articles/article.js";
import { parseHtmlPage } from "../../src/articles/parse-html.js";

/** Pages from Mozilla Readability's test suite (Apache-2.0, see test/fixtures/html/LICENSE-readability-test-pages). */
const FIXTURES = new URL("../fixtures/html/", import.meta.url);

interface ExpectedMetadata {
  title: string;
  byline: string | null;
  excerpt: string;
  siteName: string | null;
  publishedTime: string | null;
}

function fixture(name: string): { html: string; expected: ExpectedMetadata } {
  return {
    html: fs.readFileSync(new URL(`${name}/source.html`, FIXTURES), "utf8"),
    expected: JSON.parse(fs.readFileSync(new URL(`${name}/expected-metadata.json`, FIXTURES), "utf8")) as ExpectedMetadata,
  };
}

/** Parses and fails the test with the parser's reason when the page was refused. */
function parse(html: string, options?: { url?: string | null }): ArticleDraft {
  const result = parseHtmlPage(html, options);
  if ("error" in result) throw new Error(`expected an article, got: ${result.error}`);
  return result;
}

/** A page around the given head and body markup; titled "SEC fines exchange" unless the head has a `<title>`. */
const htmlPage = (head: string, body: string) =>
  `<!doctype html><html><head>${head.includes("<title>") ? head : `<title>SEC fines exchange</title>${head}`}</head><body>${body}</body></html>`;

const STORY =
  "<p>The Securities and Exchange Commission fined a crypto exchange on Wednesday for offering an unregistered lending product.</p>" +
  "<p>The exchange agreed to pay the penalty without admitting or denying the findings, the regulator said in a statement.</p>";

interface PageCase {
  name: string;
  /** What we read as the date, and why when it differs from Readability's `publishedTime`. */
  publishedAt: string | null;
  url: string;
  source: string | null;
  author: string;
  /** Sentences of the article itself. */
  articleText: string[];
  /** Strings of the page's chrome (menus, share bars, captions, related stories, footers), all in source.html. */
  chrome: string[];
}

const PAGES: PageCase[] = [
  {
    name: "bbc-1",
    publishedAt: "2015-07-24", // JSON-LD datePublished, as in the expected metadata
    url: "http://www.bbc.com/news/world-us-canada-33646704",
    source: "BBC News",
    author: "BBC News",
    articleText: [
      'President Barack Obama has admitted that his failure to pass "common sense gun safety laws" in the US is the greatest frustration of his presidency.',
      "Mr Obama will become the first US president to address the African Union when he travels on to Ethiopia on Sunday.",
    ],
    chrome: [
      "Skip to content",
      "Share this story",
      "More on this story",
      "Media caption",
      "Recommended by Outbrain",
      "Hulk Hogan's contract",
      "Copyright © 2015 BBC",
      // Inside the article's container: image captions and teaser links to other stories.
      "The president said he would continue fighting for greater gun control laws",
      "Kenya is getting ready to welcome the US president",
      "Read the full transcript of his interview",
      "Five things we learned from Obama interview",
    ],
  },
  {
    name: "cnn",
    publishedAt: "2016-02-01", // <meta name="date" content="2016-02-01 01:28:49">, a tag Readability does not read
    url: "http://money.cnn.com/2016/02/01/news/economy/poverty-inequality-united-states/index.html",
    source: "CNNMoney",
    author: "Ahiza Garcia",
    articleText: [
      "Among its key findings: the class you're born into matters much more in the U.S. than many of the other countries.",
      "The report concluded that the American safety net was ineffective because it provides only half the financial help people need.",
    ],
    chrome: [
      "Wilbur Ross pledges not to intimidate climate scientists",
      "Powered by SmartAsset.com",
      "Related: Rich are paying more in taxes",
      "First published February 1, 2016",
      "Citi mortgage units fined",
      "Privacy Policy",
      "Cable News Network. A Time Warner Company",
    ],
  },
  {
    name: "herald-sun-1",
    publishedAt: null, // its date is only in a non-standard article:publicationdate meta and a styled list item
    url: "http://www.heraldsun.com.au/news/opinion/angry-media-wont-buckle-over-new-surveillance-laws/story-fni0fha6-1227261886014",
    source: "HeraldSun",
    author: "Laurie Oakes",
    articleText: [], // the expected excerpt is the first paragraph, checked below
    chrome: [
      "Subscribe now to access Herald Sun.",
      "Login with Facebook",
      "Forgot your password?",
      "A new Bill would require", // the photo caption
      "Source:",
      "Starbeam Fantapants",
      "Most Popular Stories",
      "Wife’s fury at hubby’s million dollar gamble",
      "Herald and Weekly Times",
    ],
  },
  {
    name: "nytimes-1",
    publishedAt: "2017-01-13", // <meta itemprop="datePublished" content="2017-01-13T00:00:04-05:00">
    url: "https://www.nytimes.com/2017/01/13/world/africa/sudan-sanctions.html",
    source: null,
    author: "Jeffrey Gettleman",
    articleText: [
      "LONDON — After nearly 20 years of hostile relations, the American government plans to reverse its position on Sudan and lift trade sanctions, Obama administration officials said late Thursday.",
      "For the first time since the 1990s, the nation will be able to trade extensively with the United States",
    ],
    chrome: [
      "Comey Letter on Clinton Email",
      "Supported by",
      "Share This Page",
      "Continue reading the main story",
      "Ashraf Shazly",
      "A version of this article appears in print",
      "Related Coverage",
      "U.S. Sweetens Offer to Take Sudan Off Terrorist List",
    ],
  },
  {
    name: "wapo-1",
    publishedAt: null, // no date markup at all: only "March 18 at 3:57 PM" as text
    url: "http://www.washingtonpost.com/world/gunmen-storm-museum-in-tunisia-killing-at-least-8/2015/03/18/00202e76-cd73-11e4-8730-4f473416e759_story.html",
    source: "Washington Post",
    author: "Erin Cunningham",
    articleText: [
      "CAIRO — Gunmen opened fire on visitors at Tunisia’s most renowned museum on Wednesday",
      "Heba Habib contributed to this report.",
    ],
    chrome: [
      "Share on Facebook",
      "(Reuters)",
      "Map: Flow of foreign fighters to Syria",
      "[Read:",
      "Read more:",
      "get a sobering lesson in governing",
      "You must be logged in to recommend a comment",
      "Viking woman buried",
      "© 1996-2015 The Washington Post",
    ],
  },
];

describe("parseHtmlPage", () => {
  describe.each(PAGES)("with the $name page", (page) => {
    const { html, expected } = fixture(page.name);
    const draft = parse(html);

    it("takes the article's title, without the site's name", () => {
      expect(draft.title).toBe(expected.title);
    });

    it("reads the publication date the page declares", () => {
      if (expected.publishedTime) expect(draft.publishedAt).toBe(expected.publishedTime.slice(0, 10));
      expect(draft.publishedAt).toBe(page.publishedAt);
    });

    it("reads the canonical URL, the site's name and the author", () => {
      expect(draft.url).toBe(page.url);
      expect(draft.source).toBe(page.source);
      expect(draft.author).toBe(page.author);
    });

    it("keeps the article's text", () => {
      for (const sentence of page.articleText) expect(draft.body).toContain(sentence);
    });

    it("leaves out the page's menus, share bars, captions, related stories and footer", () => {
      for (const chrome of page.chrome) {
        expect(html, "the chrome string is on the page").toContain(chrome);
        expect(draft.body).not.toContain(chrome);
      }
    });

    it("gives plain text: no tags, no undecoded entities, paragraphs one blank line apart", () => {
      expect(draft.body).not.toMatch(/<\/?[a-z][a-z0-9-]*(\s[^>]*)?>/i);
      expect(draft.body).not.toMatch(/&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);/i);
      expect(draft.body.split("\n\n").length).toBeGreaterThan(5);
      expect(draft.body).not.toMatch(/\n{3,}/);
      expect(draft.body).toBe(draft.body.trim());
    });
  });

  it("keeps the first paragraph that the Herald Sun page gives as its excerpt", () => {
    const { html, expected } = fixture("herald-sun-1");
    expect(parse(html).body.startsWith(expected.excerpt)).toBe(true);
  });

  it("cuts the site's name from og:title when it equals og:site_name", () => {
    // bbc-1's og:title is "Obama admits US gun laws are his 'biggest frustration' - BBC News".
    const { html } = fixture("bbc-1");
    expect(html).toContain(`content="Obama admits US gun laws are his 'biggest frustration' - BBC News"`);
    expect(parse(html).title).toBe("Obama admits US gun laws are his 'biggest frustration'");
  });

  it("prefers the page's author meta tag to a byline scraped from a teaser of another story", () => {
    // Readability's expected byline for herald-sun-1 is "JOE HILDEBRAND", the author of a sidebar column; the
    // article's meta tag and its closing line ("LAURIE OAKES IS THE NINE NETWORK POLITICAL EDITOR") name Laurie Oakes.
    const { html, expected } = fixture("herald-sun-1");
    expect(expected.byline).toBe("JOE HILDEBRAND");
    expect(parse(html).author).toBe("Laurie Oakes");
  });

  it("reads the section names as categories", () => {
    expect(parse(fixture("bbc-1").html).categories).toEqual(["US & Canada"]);
  });

  describe("title", () => {
    it("keeps markup in the title as literal text", () => {
      const draft = parse(`<title>&lt;3 &lt;/a&gt; _*[</title>${STORY}`);
      expect(draft.title).toBe("<3 </a> _*[");
      expect(draft.body).not.toContain("<3");
    });

    it("falls back to the first h1, then to <title> without a short site suffix", () => {
      expect(parse(htmlPage("<title>Ignored | CoinDesk</title>", `<h1> SEC fines exchange </h1>${STORY}`)).title).toBe("SEC fines exchange");
      expect(parse(htmlPage("<title>SEC fines exchange | CoinDesk</title>", STORY)).title).toBe("SEC fines exchange");
      expect(parse(htmlPage("<title>SEC fines exchange — The Block</title>", STORY)).title).toBe("SEC fines exchange");
    });

    it("keeps a suffix that reads as part of the headline", () => {
      expect(parse(htmlPage("<title>Bitcoin ETF approved - what it means for you</title>", STORY)).title).toBe("Bitcoin ETF approved - what it means for you");
    });

    it("cuts only the site's own name from og:title", () => {
      const head = (title: string) => `<meta property="og:site_name" content="CoinDesk"><meta property="og:title" content="${title}">`;
      expect(parse(htmlPage(head("SEC fines exchange | CoinDesk"), STORY)).title).toBe("SEC fines exchange");
      expect(parse(htmlPage(head("SEC fines exchange - Policy"), STORY)).title).toBe("SEC fines exchange - Policy");
    });

    it("does not repeat the title as the body's first paragraph", () => {
      const draft = parse(htmlPage("<title>Other</title>", `<h1>SEC fines exchange</h1>${STORY}`));
      expect(draft.body.startsWith("The Securities and Exchange Commission fined")).toBe(true);
    });
  });

  describe("url", () => {
    const canonical = '<link rel="canonical" href="https://news.example/sec-fine?utm_source=x">';
    const ogUrl = '<meta property="og:url" content="https://news.example/og">';

    it("prefers the canonical link to og:url and to the address the page came from, without tracking parameters", () => {
      expect(parse(htmlPage(canonical + ogUrl, STORY), { url: "https://news.example/fetched" }).url).toBe("https://news.example/sec-fine");
    });

    it("falls back to og:url, then to the address the page came from", () => {
      expect(parse(htmlPage(ogUrl, STORY), { url: "https://news.example/fetched" }).url).toBe("https://news.example/og");
      expect(parse(htmlPage("", STORY), { url: "https://news.example/fetched#top" }).url).toBe("https://news.example/fetched");
      expect(parse(htmlPage("", STORY)).url).toBeNull();
    });

    it("resolves a relative canonical link against the page's address", () => {
      const draft = parse(htmlPage('<link rel="canonical" href="/sec-fine">', STORY), { url: "https://news.example/fetched" });
      expect(draft.url).toBe("https://news.example/sec-fine");
    });
  });

  describe("publication date", () => {
    it("reads datePublished inside a JSON-LD @graph, with author and publisher, skipping invalid JSON-LD", () => {
      const ld = JSON.stringify({
        "@context": "https://schema.org",
        "@graph": [
          { "@type": "WebSite", name: "CoinNews" },
          { "@type": "NewsArticle", datePublished: "2024-03-05T10:00:00Z", author: [{ "@type": "Person", name: "Ada Lovelace" }], publisher: { name: "CoinNews" } },
        ],
      });
      const head = `<script type="application/ld+json">{ not json</script><script type="application/ld+json">${ld}</script>`;
      const draft = parse(htmlPage(head, STORY));
      expect(draft.publishedAt).toBe("2024-03-05");
      expect(draft.author).toBe("Ada Lovelace");
      expect(draft.source).toBe("CoinNews");
    });

    it("reads datePublished from a JSON-LD array", () => {
      const head = `<script type="application/ld+json">[{"@type":"NewsArticle","datePublished":"2023-01-02"}]</script>`;
      expect(parse(htmlPage(head, STORY)).publishedAt).toBe("2023-01-02");
    });

    it("prefers article:published_time to other date tags", () => {
      const head = '<meta name="date" content="2020-01-01"><meta property="article:published_time" content="2021-06-09T08:00:00+02:00">';
      expect(parse(htmlPage(head, STORY)).publishedAt).toBe("2021-06-09");
    });

    it("reads DC.date.issued", () => {
      expect(parse(htmlPage('<meta name="DC.date.issued" content="2019-11-30">', STORY)).publishedAt).toBe("2019-11-30");
    });

    it("falls back to a <time datetime>, skipping one marked as the modification date", () => {
      const body = `<time itemprop="dateModified" datetime="2022-05-09">May 9</time><time datetime="2022-05-06T01:00:00Z">May 6</time>${STORY}`;
      expect(parse(htmlPage("", body)).publishedAt).toBe("2022-05-06");
    });

    it("leaves the date unknown when the page declares none", () => {
      expect(parse(htmlPage("", STORY)).publishedAt).toBeNull();
    });
  });

  describe("body", () => {
    it("drops figures, captions, teaser links, share bars and furniture labels inside the article", () => {
      const body =
        "<article>" +
        '<div class="share-tools"><a href="/s">Share on X</a></div>' +
        '<figure><img src="a.jpg"><figcaption>Photo: Reuters</figcaption></figure>' +
        STORY +
        '<p><a href="/r">Related: Exchange shuts down in Japan</a></p>' +
        '<p>[<a href="/b">Regulators eye stablecoins</a>]</p>' +
        '<p class="image-caption">The regulator’s headquarters in Washington.</p>' +
        "<p>Read more:</p>" +
        "<p>The regulator said the case was the first of its kind &amp; would not be the last.</p>" +
        "</article>";
      expect(parse(htmlPage("<title>SEC fines exchange</title>", body)).body).toBe(
        [
          "The Securities and Exchange Commission fined a crypto exchange on Wednesday for offering an unregistered lending product.",
          "The exchange agreed to pay the penalty without admitting or denying the findings, the regulator said in a statement.",
          "The regulator said the case was the first of its kind & would not be the last.",
        ].join("\n\n"),
      );
    });

    it("keeps links that stand inside a sentence", () => {
      const body = '<p>The <a href="/sec">Securities and Exchange Commission</a> fined a crypto exchange on Wednesday for an unregistered product.</p>';
      expect(parse(htmlPage("<title>SEC fines exchange</title>", body)).body).toBe(
        "The Securities and Exchange Commission fined a crypto exchange on Wednesday for an unregistered product.",
      );
    });
  });

  describe("errors", () => {
    it("refuses an empty page", () => {
      expect(parseHtmlPage("")).toEqual({ error: "the page is empty (expected the HTML of an article page)" });
      expect(parseHtmlPage(" \n\t")).toEqual({ error: "the page is empty (expected the HTML of an article page)" });
    });

    it("refuses text that is not HTML", () => {
      const error = "not an HTML page: it has no tags such as <html>, <body> or <p> (save plain text as .txt, Markdown as .md)";
      expect(parseHtmlPage("The SEC fined an exchange on Wednesday.")).toEqual({ error });
      expect(parseHtmlPage('{"title": "SEC fines exchange"}')).toEqual({ error });
    });

    it("refuses a feed, which is XML with a <title> but no article page", () => {
      const feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>SEC fines exchange</title></item></channel></rss>';
      expect(parseHtmlPage(feed)).toEqual({ error: "this is an RSS or Atom feed, not an article page (give the page of one of its articles)" });
    });

    it("refuses a page without a title", () => {
      expect(parseHtmlPage(`<!doctype html><html><head></head><body>${STORY}</body></html>`)).toEqual({
        error: "the page has no title (no og:title, <h1> or <title>)",
      });
    });

    it("refuses a page that holds only navigation", () => {
      const body =
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/policy">Policy</a></li><li><a href="/markets">Markets</a></li></ul></nav>' +
        '<ul><li><a href="/a">SEC fines exchange over unregistered lending product</a></li><li><a href="/b">EU publishes MiCA in the Official Journal</a></li></ul>' +
        "<footer><p>© 2024 News Ltd. All rights reserved.</p></footer>";
      expect(parseHtmlPage(htmlPage("<title>Home | News</title>", body))).toEqual({
        error: "no article text found on this page (is it an index or a login page?)",
      });
    });

    it("refuses a login page", () => {
      const body = '<form><label>Email <input name="email"></label><label>Password <input type="password"></label><button>Log in</button></form>';
      expect(parseHtmlPage(htmlPage("<title>Log in</title>", body))).toEqual({
        error: "no article text found on this page (is it an index or a login page?)",
      });
    });
  });
});
