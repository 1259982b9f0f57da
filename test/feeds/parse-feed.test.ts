import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedFeed } from "../../src/feeds/parse-feed.js";
import { parseFeedDocument } from "../../src/feeds/parse-feed.js";

const fixture = (name: string): Buffer => fs.readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

/** Parses and fails the test with the error text when the input was not read as a feed. */
function parseOk(input: string | Uint8Array, options?: { contentType?: string | null }): ParsedFeed {
  const result = parseFeedDocument(input, options);
  if ("error" in result) throw new Error(`expected a feed, got the error: ${result.error}`);
  return result;
}

function errorOf(input: string | Uint8Array): string {
  const result = parseFeedDocument(input);
  if (!("error" in result)) throw new Error(`expected an error, got a ${result.format} feed with ${result.items.length} items`);
  return result.error;
}

const rss = (items: string, channel = "<title>Test feed</title><link>https://news.example/</link>") =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>${channel}${items}</channel></rss>`;

describe("parseFeedDocument", () => {
  describe("on CoinDesk's RSS 2.0 feed of 13 March 2023", () => {
    const feed = parseOk(fixture("coindesk-2023-03-13.rss"));
    const byTitle = (start: string) => {
      const item = feed.items.find((draft) => draft.title.startsWith(start));
      if (!item) throw new Error(`no item titled "${start}…"`);
      return item;
    };

    it("reads the feed's format, title and site link", () => {
      expect(feed.format).toBe("rss");
      expect(feed.title).toBe("CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data");
      expect(feed.link).toBe("https://www.coindesk.com/");
    });

    it("turns 49 of the 50 items into drafts and skips the 19th, whose description is empty", () => {
      expect(feed.items).toHaveLength(49);
      expect(feed.skipped).toEqual([{ item: 19, reason: "no text" }]);
    });

    it("reads every field of the first item", () => {
      expect(feed.items[0]).toEqual({
        title: "Bitcoin, U.S. Stock Futures Erase Early Gains as First Republic Bank Tanks 50% in Pre-Market Trading",
        body: "Risk assets pared gains while bond yields tanked as emergency measures announced by U.S. authorities failed to assuage investor fears about banking sector problems.",
        url: "https://www.coindesk.com/markets/2023/03/13/bitcoin-us-stock-futures-erase-early-gains-as-first-republic-bank-tanks-50-in-pre-market-trading",
        source: "CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data",
        publishedAt: "2023-03-13",
        guid: "GAHBBCJVKFCXDLONTKPLD5TODI",
        author: "Omkar Godbole",
        categories: ["Markets", "news", "Bitcoin", "stock futures"],
      });
    });

    it("removes the utm_ tracking parameters from every link", () => {
      expect(feed.items.every((draft) => draft.url?.startsWith("https://www.coindesk.com/") && !draft.url.includes("utm_"))).toBe(true);
    });

    it("gives CDATA titles as plain, trimmed text with their curly quotes and ampersands kept", () => {
      expect(byTitle("TrueUSD").title).toBe("TrueUSD Says ‘Small Number’ of Users Impacted by Signature Bank Closure");
      expect(byTitle("Reviewing Code").title).toBe("Reviewing Code Is Mind-Numbing: Q&A With Bitcoin Maintainer Andrew Chow");
      // The feed has two trailing spaces inside this title's CDATA.
      expect(byTitle("First Mover Asia: Silicon").title).toBe("First Mover Asia: Silicon Valley Bank Failure Highlights Small Banks’ Vulnerability; Bitcoin Soars Past $22.5K");
      expect(feed.items.filter((draft) => /CDATA|^\s|\s$|<|&\w+;/.test(draft.title))).toEqual([]);
    });

    it("lists the section and the tags as categories, each once", () => {
      expect(byTitle("EU Merchants Could Be Required").categories).toEqual(["Policy", "news", "Regulations", "CBDC", "EU", "Digital Euro"]);
      expect(feed.items.filter((draft) => draft.categories?.includes("Policy"))).toHaveLength(10);
      expect(byTitle("IMF Had Warned G-20").categories).toEqual(expect.arrayContaining(["Policy", "Regulations", "G20"]));
    });

    it("names the authors from dc:creator, joining co-authors", () => {
      expect(byTitle("EU Merchants").author).toBe("Jack Schickler");
      expect(byTitle("HSBC Subsidiary").author).toBe("Shaurya Malwa, Jack Schickler");
    });

    it("dates every item as YYYY-MM-DD, the day the publisher wrote", () => {
      expect(feed.items.every((draft) => /^2023-03-1[0-3]$/.test(draft.publishedAt ?? ""))).toBe(true);
      expect(byTitle("Silicon Valley Bank Depositors Will Have Access").publishedAt).toBe("2023-03-12");
      expect(feed.items.at(-1)?.publishedAt).toBe("2023-03-10");
    });

    it("gives bodies without HTML tags or character references", () => {
      expect(feed.items.filter((draft) => /<\/?[a-z]|&(?:[a-z]+|#\d+);/i.test(draft.body))).toEqual([]);
      expect(feed.items.every((draft) => draft.body.length > 20)).toBe(true);
    });
  });

  describe("on other RSS 2.0 feeds", () => {
    it("reads The Guardian's escaped-HTML descriptions as paragraphs apart by a blank line", () => {
      const feed = parseOk(fixture("guardian.rss"));
      expect(feed.items).toHaveLength(55);
      const first = feed.items[0]!;
      expect(first.title).toBe("Trump State of the Union address promised unity but emphasized discord");
      expect(first.body).toBe(
        "The president’s ‘new American moment’ speech stirred Republican applause while Democrats showed thinly disguised contempt\n\n" +
          "Donald Trump has promised a “new American moment” in a State of the Union address that sought harmony but succeeded only in underlining the deep discord at the heart of the country’s politics.\n\n" +
          "Related: Fact check: Donald Trump's State of the Union address analyzed\n\n" +
          "Continue reading...",
      );
      expect(first.author).toBe("David Smith in Washington");
      expect(first.publishedAt).toBe("2018-01-31");
    });

    it("takes a guid that is a URL as the link's identity and lists its category names", () => {
      const first = parseOk(fixture("guardian.rss")).items[0]!;
      expect(first.guid).toBe("https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord");
      expect(first.categories).toEqual(["Donald Trump", "State of the Union address", "US news", "US politics", "Democrats", "Republicans", "US Congress"]);
    });

    it("writes list items as lines of their own", () => {
      const train = parseOk(fixture("guardian.rss")).items.find((draft) => draft.title.startsWith("Train carrying dozens"));
      expect(train?.body).toMatch(/^• One person who was not aboard the train was killed\n• Two crew members and two passengers were taken to a local hospital with minor injuries\n\nA chartered train/);
    });

    it("takes the body from content:encoded, dropping images and link addresses", () => {
      const feed = parseOk(fixture("content-encoded.rss"));
      expect(feed.items).toHaveLength(7);
      const first = feed.items[0]!;
      expect(first.title).toBe("THE CREATIVE FORAGER");
      expect(first.body.startsWith("Using Wild Ingredients in the Kitchen\n\nHEY, YOU! YES, YOU WITH THE EYEBALLS!")).toBe(true);
      expect(first.body).toContain("Food is all around us, if you learn where to look");
      expect(first.body).toContain("Purchase the paperback on Amazon.com");
      expect(first.body).not.toMatch(/amazon\.com\/dp|cdn-images|<img|\[http/);
      expect(first.author).toBe("Jeremy Puma");
      expect(first.categories).toEqual(["plants", "environment", "nature", "foraging", "food"]);
      expect(first.guid).toBe("https://medium.com/p/125af37d838f");
    });

    it("names an RSS 0.92 item's own <source> as its source", () => {
      const feed = parseOk(fixture("heraldsun.rss"));
      expect(feed.title).toBe("RSS0.92 Example");
      expect(feed.items.map((draft) => [draft.title, draft.body, draft.url, draft.source])).toEqual([
        ["The First Item", "This is the first item.", "http://www.oreilly.com/example/001.html", "Another Site"],
        ["The Second Item", "This is the second item.", "http://www.oreilly.com/example/002.html", "Another Site"],
      ]);
      expect(feed.items[0]?.categories).toEqual(["Business/Industries/Publishing/Publishers/Nonfiction/"]);
    });
  });

  describe("on bytes", () => {
    it("decodes a feed that declares ISO-8859-1 by its XML declaration", () => {
      const feed = parseOk(fixture("encoding.rss"));
      expect(feed.title).toBe("Jornal de Notícias - Últimas Notícias");
      expect(feed.items[0]?.title).toBe("Mãe de utente é a nova presidente da Raríssimas");
      expect(feed.items[0]?.body).toBe(
        "Sónia Laygue, profissional na área da Recursos Humanos e mãe de uma criança de três anos, utente na Casa dos Marcos, é a nova presidente da direção da Raríssimas.",
      );
      expect(JSON.stringify(feed)).not.toContain("\ufffd");
    });

    it("lets the XML declaration win over a Content-Type charset that disagrees", () => {
      const feed = parseOk(fixture("encoding.rss"), { contentType: "application/rss+xml; charset=utf-8" });
      expect(feed.items[0]?.title).toBe("Mãe de utente é a nova presidente da Raríssimas");
    });

    it("skips items whose description is only a tracking image", () => {
      expect(parseOk(fixture("encoding.rss")).skipped).toEqual([
        { item: 2, reason: "no text" },
        { item: 13, reason: "no text" },
        { item: 32, reason: "no text" },
        { item: 34, reason: "no text" },
      ]);
    });

    it("reads undeclared Latin-1 (UOL) as windows-1252, with its Portuguese dates", () => {
      const feed = parseOk(fixture("uolNoticias.rss"));
      expect(feed.title).toBe("UOL Noticias");
      expect(feed.items[0]?.title).toBe("Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno");
      expect(feed.items[0]?.body.startsWith("Líder na pesquisa Ibope de intenção de voto")).toBe(true);
      // "Seg, 24 Set 2018 19:42:40 -0300": Monday, 24 September.
      expect(feed.items[0]?.publishedAt).toBe("2018-09-24");
      expect(JSON.stringify(feed)).not.toContain("\ufffd");
    });

    it("uses the Content-Type charset when the document declares none", () => {
      const bytes = Buffer.from(rss("<item><title>Mãe</title><description>São Paulo</description></item>"), "latin1");
      const withoutDeclaration = Buffer.from(bytes.toString("latin1").replace(/<\?xml[^>]*\?>/, ""), "latin1");
      expect(parseOk(withoutDeclaration, { contentType: "text/xml; charset=ISO-8859-1" }).items[0]).toMatchObject({ title: "Mãe", body: "São Paulo" });
    });

    it("trusts a byte-order mark over everything else, including UTF-16", () => {
      const text = rss("<item><title>Mãe ✓</title><description>d</description></item>").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
      expect(parseOk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])).items[0]?.title).toBe("Mãe ✓");
      expect(parseOk(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])).items[0]?.title).toBe("Mãe ✓");
    });
  });

  describe("on RSS 1.0 (RDF)", () => {
    it("skips every item of a headline-only table of contents as having no text", () => {
      const feed = parseOk(fixture("rss-1.rss"));
      expect(feed.format).toBe("rdf");
      expect(feed.title).toBe("Science twis");
      expect(feed.items).toEqual([]);
      expect(feed.skipped).toHaveLength(69);
      expect(feed.skipped.every((skip) => skip.reason === "no text")).toBe(true);
    });

    it("reads rdf:about as the guid, and dc:creator, dc:date and dc:subject, once items have text", () => {
      const withText = fixture("rss-1.rss").toString("utf8").replaceAll("<description><![CDATA[]]></description>", "<description>A summary.</description>");
      const feed = parseOk(withText);
      expect(feed.items).toHaveLength(69);
      expect(feed.items[0]).toEqual({
        title: "Food for fungi",
        body: "A summary.",
        url: "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
        source: "Science twis",
        publishedAt: "2017-06-15",
        guid: "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
        author: "Hines, P. J.",
        categories: ["Botany, Microbiology"],
      });
      expect(new Set(feed.items.map((draft) => draft.guid)).size).toBe(69);
    });
  });

  describe("on Atom", () => {
    it("reads heise's entries with titles, links, ids, dates and the feed's author", () => {
      const feed = parseOk(fixture("heise.atom"));
      expect(feed).toMatchObject({ format: "atom", title: "heise developer neueste Meldungen", link: "http://www.heise.de/developer" });
      expect(feed.items).toHaveLength(15);
      expect(feed.items[0]).toEqual({
        title: "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
        body: "Die nun verfügbare Version 10 des Enterprise-Java-Servers stellt die Basis für Red Hats kommerzielle JBoss Enterprise Application Platform 7 ist zugleich das dritte größere Release seit dem Namenswechsel des Open-Source-Projekts.",
        url: "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom",
        source: "heise developer neueste Meldungen",
        publishedAt: "2016-02-01",
        guid: "http://heise.de/-3088438",
        // The entries name no author; Atom gives them the feed's.
        author: "heise online",
        categories: [],
      });
      expect(feed.items.at(-1)).toMatchObject({ title: "Apache Software Foundation bekommt ein neues Logo", publishedAt: "2016-01-28" });
    });

    it("reads FeedBurner's Blogger entries with their own authors and category terms", () => {
      const feed = parseOk(fixture("feedburner.atom"));
      expect(feed.title).toBe("Google Ads Developer Blog");
      expect(feed.items).toHaveLength(25);
      const first = feed.items[0]!;
      expect(first).toMatchObject({
        title: "AdWords and DFP Java client library will soon require Java 7+",
        url: "http://feedproxy.google.com/~r/blogspot/lQlzL/~3/Zjf41PDVLAc/adwords-and-dfp-java-client-library.html",
        guid: "tag:blogger.com,1999:blog-7815614485808579332.post-8394866751819460570",
        author: "Google Ads Developer Advisor",
        publishedAt: "2016-06-03",
        categories: ["adwords_api", "client_libraries", "dfp_api"],
      });
      expect(first.body.startsWith("After November 2016, all releases of the Google Ads API Java Client Library will only be compatible with Java 7 (1.7) and higher.\n\n")).toBe(true);
      expect(first.body).not.toMatch(/<|https?:/);
    });

    it("reports an entry with only an id as skipped, without throwing", () => {
      expect(parseFeedDocument(fixture("missing-fields.atom"))).toEqual({
        format: "atom",
        title: null,
        link: null,
        items: [],
        skipped: [{ item: 1, reason: "no title or text" }],
      });
    });

    it("gives an empty feed for an entry with nothing but an empty author (feedsmith drops such entries)", () => {
      expect(parseFeedDocument(fixture("incomplete-fields.atom"))).toEqual({ format: "atom", title: null, link: null, items: [], skipped: [] });
    });

    it("reads titles and content by their type: html is markup, text is literal", () => {
      const feed = parseOk(
        `<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">&lt;b&gt;Reg&lt;/b&gt; news</title><id>urn:feed</id>
          <entry><id>urn:1</id><title type="text">Why &lt;b&gt; is bold</title><link rel="enclosure" href="https://cdn.example/a.mp3"/><link href="/stories/1"/>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>Two <em>words</em></p></div></content></entry></feed>`,
      );
      expect(feed.title).toBe("Reg news");
      expect(feed.items[0]).toMatchObject({ title: "Why <b> is bold", body: "One\n\nTwo words", url: null, guid: "urn:1" });
    });
  });

  describe("on JSON Feed", () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      title: "Reg Desk",
      home_page_url: "https://regdesk.example/",
      authors: [{ name: "The Desk" }],
      items: [
        {
          id: "https://regdesk.example/mica",
          url: "/2024/mica-in-force?utm_source=feed",
          title: "MiCA &amp; stablecoins",
          content_html: "<p>MiCA applies to <a href='https://eur-lex.example'>stablecoin issuers</a> from June.</p><p>Second&nbsp;paragraph.</p><img src='x.png'>",
          date_published: "2024-06-30T23:30:00+02:00",
          tags: ["MiCA", " mica ", "EU"],
          authors: [{ name: "Ann Lee" }],
        },
        { id: 7, title: "Plain", content_text: "Line one.\r\n\r\n\r\nLine   two." },
        { id: "3", content_text: "A body without a title." },
        { id: "4" },
      ],
    });

    it("converts content_html to text and resolves the link on the home page", () => {
      const feed = parseOk(json);
      expect(feed).toMatchObject({ format: "json", title: "Reg Desk", link: "https://regdesk.example/" });
      expect(feed.items[0]).toEqual({
        title: "MiCA & stablecoins",
        body: "MiCA applies to stablecoin issuers from June.\n\nSecond paragraph.",
        url: "https://regdesk.example/2024/mica-in-force",
        source: "Reg Desk",
        publishedAt: "2024-06-30",
        guid: "https://regdesk.example/mica",
        author: "Ann Lee",
        categories: ["MiCA", "EU"],
      });
    });

    it("keeps content_text's paragraphs, takes a numeric id as text and the feed's author", () => {
      expect(parseOk(json).items[1]).toMatchObject({ title: "Plain", body: "Line one.\n\nLine two.", guid: "7", author: "The Desk", url: null });
    });

    it("skips items with no title, or with nothing at all", () => {
      expect(parseOk(json).skipped).toEqual([
        { item: 3, reason: "no title" },
        { item: 4, reason: "no title or text" },
      ]);
    });
  });

  describe("on titles and bodies", () => {
    it("keeps markup that was entity-encoded in a title as literal text", () => {
      const feed = parseOk(rss("<item><title>I &lt;3 feeds &amp; a stray &lt;/a&gt; tag</title><description>x</description></item>"));
      expect(feed.items[0]?.title).toBe("I <3 feeds & a stray </a> tag");
    });

    it("strips real HTML and doubly escaped characters from CDATA titles, and collapses whitespace", () => {
      const feed = parseOk(rss("<item><title><![CDATA[  <b>SEC</b> Q&amp;A:\n   Ether&#8217;s   status ]]></title><description>x</description></item>"));
      expect(feed.items[0]?.title).toBe("SEC Q&A: Ether’s status");
    });

    it("prefers content:encoded over the description, and falls back to the description when it is empty", () => {
      const feed = parseOk(
        rss(
          "<item><title>A</title><description>Short.</description><content:encoded><![CDATA[<p>Full text.</p><p>More.</p>]]></content:encoded></item>" +
            "<item><title>B</title><description>Only this.</description><content:encoded><![CDATA[<img src='a.png'>]]></content:encoded></item>",
        ),
      );
      expect(feed.items.map((draft) => draft.body)).toEqual(["Full text.\n\nMore.", "Only this."]);
    });

    it("resolves relative links on the feed's site and takes a permalink guid when there is no link", () => {
      const feed = parseOk(
        rss(
          "<item><title>A</title><description>x</description><link>/story/1?utm_campaign=rss&amp;id=9#top</link></item>" +
            "<item><title>B</title><description>x</description><guid>https://news.example/story/2/</guid></item>" +
            '<item><title>C</title><description>x</description><guid isPermaLink="false">https://news.example/story/3</guid></item>',
        ),
      );
      expect(feed.items.map((draft) => [draft.url, draft.guid])).toEqual([
        ["https://news.example/story/1?id=9", null],
        ["https://news.example/story/2", "https://news.example/story/2/"],
        [null, "https://news.example/story/3"],
      ]);
    });

    it("reads an RFC 822 date as the day written, whatever the time zone", () => {
      const feed = parseOk(rss("<item><title>A</title><description>x</description><pubDate>Mon, 13 Mar 2023 23:30:00 -0500</pubDate></item>"));
      expect(feed.items[0]?.publishedAt).toBe("2023-03-13");
    });

    it("leaves the date null when the feed's date cannot be read", () => {
      const feed = parseOk(rss("<item><title>A</title><description>x</description><pubDate>sometime soon</pubDate></item>"));
      expect(feed.items[0]?.publishedAt).toBeNull();
    });

    it("gives an empty feed, not an error, for a channel with no items", () => {
      expect(parseFeedDocument(rss(""))).toEqual({ format: "rss", title: "Test feed", link: "https://news.example/", items: [], skipped: [] });
    });
  });

  describe("on input that is not a feed", () => {
    it("says an HTML page is an HTML page, quoting how it starts", () => {
      expect(errorOf("<!DOCTYPE html>\n<html lang=\"en\"><head><title>News</title></head><body><p>Hi</p></body></html>")).toBe(
        'This is an HTML page, not a feed (it starts with <!DOCTYPE html>). Use the address of the site\'s RSS or Atom feed instead (often linked as "RSS", or at /feed or /rss).',
      );
    });

    it("points to the feed an HTML page names in its head", () => {
      const page = '<html><head><link rel="alternate" type="application/rss+xml" title="RSS" href="https://news.example/feed?x=1&amp;y=2"></head><body></body></html>';
      expect(errorOf(page)).toBe("This is an HTML page, not a feed (it starts with <html>). The page names its feed: use https://news.example/feed?x=1&y=2 instead.");
    });

    it("recognises the 'Document Moved' page of unrecognized.rss as HTML", () => {
      expect(errorOf(fixture("unrecognized.rss"))).toBe(
        'This is an HTML page, not a feed (it starts with <head>). Use the address of the site\'s RSS or Atom feed instead (often linked as "RSS", or at /feed or /rss).',
      );
    });

    it("names the root element of XML that is no feed", () => {
      expect(errorOf('<?xml version="1.0"?><sitemap><url/></sitemap>')).toBe(
        "This is not an RSS, Atom, RDF or JSON feed: its first element is <sitemap>, where a feed has <rss>, <feed> or <rdf:RDF>. Check that the address serves the feed itself.",
      );
    });

    it("says broken XML is broken, naming the format it looks like and the parser's complaint", () => {
      expect(errorOf("<rss><channel><item><title>x</item>")).toBe("This looks like an RSS feed, but its XML is broken: Unexpected end of title. Only the publisher can fix it; try again later.");
    });

    it("tells JSON that is not a JSON Feed from JSON that does not parse", () => {
      expect(errorOf('{"articles": []}')).toMatch(/^This is not an RSS, Atom, RDF or JSON feed: it is JSON, but not a JSON Feed \(that needs a "version"/);
      expect(errorOf("{ title: oops")).toMatch(/^This is not an RSS, Atom, RDF or JSON feed: it looks like JSON but does not parse \(.+\)\./);
    });

    it("quotes the start of plain text", () => {
      expect(errorOf("Service unavailable, please retry")).toBe('This is not an RSS, Atom, RDF or JSON feed: it starts with "Service unavailable, please retry". Check that the address serves the feed itself.');
    });

    it("refuses empty input, as text or as bytes", () => {
      const empty = "The feed is empty: the document holds no text at all. Check that the address serves the feed itself.";
      expect(errorOf("")).toBe(empty);
      expect(errorOf(" \n\t")).toBe(empty);
      expect(errorOf(new Uint8Array())).toBe(empty);
    });

    it("never throws on a feed cut off anywhere", () => {
      const whole = fixture("coindesk-2023-03-13.rss").toString("utf8");
      for (let cut = 1; cut < whole.length; cut += 997) {
        const result = parseFeedDocument(whole.slice(0, cut));
        expect("error" in result || Array.isArray(result.items)).toBe(true);
      }
    });
  });
});
