import { describe, expect, it } from "vitest";
import { isSameStory, type StoryText } from "../../src/articles/same-story.js";

/** A wire story about the SEC suing an exchange, as one outlet ran it. */
function secSuit(exchange: string, founder: string): StoryText {
  return {
    title: `SEC sues ${exchange} and its founder ${founder}`,
    body: [
      `The Securities and Exchange Commission on Monday sued ${exchange}, one of the largest cryptocurrency exchanges, and its founder ${founder}.`,
      `In a complaint filed in federal court, the regulator accused ${exchange} of operating as an unregistered exchange, broker and clearing agency.`,
      "It also said the company had commingled customer funds with its own and misled investors about the controls it had in place.",
      `The agency is seeking to freeze assets and bar ${founder} from serving as an officer of a public company.`,
      `A spokesperson for ${exchange} said the company would defend itself vigorously and called the lawsuit a misguided attempt at regulation by enforcement.`,
      "The case is the latest in a series of actions the regulator has brought against crypto firms over the past year.",
    ].join(" "),
  };
}

const binance = secSuit("Binance", "Changpeng Zhao");

/** A fine story that differs from another only in the amount. */
function fine(millions: number): StoryText {
  return {
    title: `UK regulator fines crypto exchange $${millions} million over money laundering controls`,
    body: [
      `Britain's Financial Conduct Authority fined the exchange $${millions} million on Tuesday after finding serious failures in its anti-money laundering controls.`,
      "The firm onboarded thousands of customers without proper identity checks over more than two years, the regulator said in a statement.",
      "It has agreed to appoint an independent monitor and to stop taking on new customers until the monitor signs off its procedures.",
    ].join(" "),
  };
}

describe("isSameStory", () => {
  describe("the same story from two outlets", () => {
    it("is the same story when one outlet rewrote the opening sentence", () => {
      const rewritten = {
        ...binance,
        body: binance.body.replace(
          "The Securities and Exchange Commission on Monday sued Binance, one of the largest cryptocurrency exchanges, and its founder Changpeng Zhao.",
          "Binance and its founder Changpeng Zhao were sued on Monday by the Securities and Exchange Commission, which called it one of the biggest crypto platforms.",
        ),
      };
      expect(isSameStory(binance, rewritten)).toBe(true);
    });

    it("is the same story when one outlet added a sentence", () => {
      const longer = { ...binance, body: `${binance.body} Binance said customer funds remained safe and withdrawals were working normally.` };
      expect(isSameStory(binance, longer)).toBe(true);
      expect(isSameStory(longer, binance)).toBe(true);
    });

    it("is the same story when the titles differ by a word", () => {
      expect(isSameStory(binance, { ...binance, title: "SEC sues Binance and founder Changpeng Zhao" })).toBe(true);
    });

    it("is the same story whatever the spacing and case of the text", () => {
      const reflowed = { title: binance.title.toUpperCase(), body: binance.body.replace(/ /g, "\n  ") };
      expect(isSameStory(binance, reflowed)).toBe(true);
    });
  });

  describe("different stories", () => {
    it("tells apart two stories about the same subject", () => {
      const settlement = {
        title: "Binance pleads guilty and agrees to pay over $4.3 billion to US authorities",
        body:
          "Binance pleaded guilty on Tuesday to violating US anti-money laundering and sanctions laws and agreed to pay more than $4.3 billion. " +
          "Its founder Changpeng Zhao stepped down as chief executive and pleaded guilty to a single charge. The exchange will be overseen by a monitor for three years.",
      };
      expect(isSameStory(binance, settlement)).toBe(false);
    });

    it("tells apart two stories with near-identical titles but different text", () => {
      const takesEffect = {
        title: "Hong Kong stablecoin law takes effect",
        body:
          "Hong Kong's stablecoin ordinance took effect on Friday. Anyone issuing a fiat-referenced stablecoin in the city, or one referencing " +
          "the Hong Kong dollar from anywhere, now needs a licence from the Hong Kong Monetary Authority and must hold full reserves.",
      };
      const passes = {
        title: "Hong Kong stablecoin law passes",
        body:
          "The Legislative Council passed the stablecoins bill on Wednesday after a third reading. Lawmakers spent months debating the " +
          "proposal, which the government first put out for consultation in late 2023, and the ordinance is due to be gazetted next month.",
      };
      expect(isSameStory(takesEffect, passes)).toBe(false);
    });

    it("tells apart stories that differ only in a number", () => {
      expect(isSameStory(fine(4), fine(5))).toBe(false);
    });

    it("tells apart stories that differ only in a name, in title and body", () => {
      const coinbase = secSuit("Coinbase", "Changpeng Zhao");
      expect(isSameStory(binance, coinbase)).toBe(false);
    });

    it("finds a story the same story as itself", () => {
      expect(isSameStory(fine(4), fine(4))).toBe(true);
    });
  });

  describe("short bodies, as in RSS descriptions", () => {
    const hkma = {
      title: "Hong Kong stablecoin law takes effect",
      body: "Hong Kong's stablecoin ordinance took effect on Friday, requiring issuers to obtain a licence from the HKMA.",
    };

    it("is the same story when a one-sentence description changed a word", () => {
      const other = { title: "Hong Kong's stablecoin law takes effect", body: hkma.body.replace("obtain", "get") };
      expect(isSameStory(hkma, other)).toBe(true);
    });

    it("tells apart one-sentence descriptions that differ only in a name", () => {
      expect(isSameStory(hkma, { ...hkma, body: hkma.body.replace("HKMA", "SFC") })).toBe(false);
    });

    it("tells apart one-sentence descriptions of different stories", () => {
      const issuers = {
        title: "Hong Kong names first licensed stablecoin issuers",
        body: "The HKMA granted the first stablecoin issuer licences under the new ordinance to three firms, including a bank-backed venture.",
      };
      expect(isSameStory(hkma, issuers)).toBe(false);
    });
  });
});
