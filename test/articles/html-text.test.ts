import { describe, expect, it } from "vitest";
import { decodeHtmlEntities, htmlToPlainText, tidyPlainText } from "../../src/articles/html-text.js";

describe("htmlToPlainText", () => {
  it("separates paragraphs by one blank line", () => {
    expect(htmlToPlainText("<p>The SEC sued.</p>\n\n<p>The firm will appeal.</p><div>A note.</div>")).toBe("The SEC sued.\n\nThe firm will appeal.\n\nA note.");
  });

  it("decodes character references", () => {
    expect(htmlToPlainText("<p>MiCA &amp; the &#8220;travel rule&#8221; &mdash; Q&amp;A&nbsp;here</p>")).toBe("MiCA & the “travel rule” — Q&A here");
  });

  it("drops images and keeps only the words of links", () => {
    expect(htmlToPlainText('<p><img src="chart.png" alt="Chart">Read the <a href="https://esma.example/mica">ESMA guidance</a> today.</p>')).toBe(
      "Read the ESMA guidance today.",
    );
  });

  it("keeps headings as written and quotes without a '>' prefix", () => {
    expect(htmlToPlainText("<h2>What MiCA requires</h2><blockquote><p>Issuers must hold reserves.</p></blockquote><p>End.</p>")).toBe(
      "What MiCA requires\n\nIssuers must hold reserves.\n\nEnd.",
    );
  });

  it("writes list items as lines starting with a bullet", () => {
    expect(htmlToPlainText("<p>Rules:</p><ul><li>Licensing</li><li>Reserves</li></ul>")).toBe("Rules:\n\n• Licensing\n• Reserves");
  });

  it("leaves out scripts, styles and forms", () => {
    expect(htmlToPlainText("<style>p{color:red}</style><script>track()</script><p>Text.</p><form><button>Subscribe</button></form>")).toBe("Text.");
  });

  it("reads table rows as lines with their cells apart", () => {
    expect(htmlToPlainText("<table><tr><th>Country</th><th>Status</th></tr><tr><td>China</td><td>Banned</td></tr></table>")).toBe("Country Status\nChina Banned");
  });

  it("keeps text that only looks like a tag start, such as '<3'", () => {
    expect(htmlToPlainText("<p>I <3 stablecoins</p>")).toBe("I <3 stablecoins");
  });

  it("gives an empty string for empty or text-free HTML", () => {
    expect(htmlToPlainText("")).toBe("");
    expect(htmlToPlainText("  <img src='a.png'> <br> ")).toBe("");
  });
});

describe("tidyPlainText", () => {
  it("turns line ends into \\n, trims lines and keeps at most one blank line", () => {
    expect(tidyPlainText("  First line. \r\n\r\n\r\n\r\n Second\tline\u00a0here.  \rThird\u200b.\n")).toBe("First line.\n\nSecond line here.\nThird.");
  });
});

describe("decodeHtmlEntities", () => {
  it("decodes named, decimal and hexadecimal references", () => {
    expect(decodeHtmlEntities("Q&amp;A &rsquo;s &#8220;x&#x201D; &eacute;")).toBe("Q&A ’s “x” é");
  });

  it("leaves tags, bare ampersands and unknown or impossible references as written", () => {
    expect(decodeHtmlEntities("I <3 AT&T </a> &bogus; &#xD800; &#0;")).toBe("I <3 AT&T </a> &bogus; &#xD800; &#0;");
  });
});
