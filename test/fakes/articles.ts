/**
 * Small articles both chat adapters' tests start from: stablecoin rules in six jurisdictions and one China
 * ban, as JSON files (file name → contents) ready for `core.ingest`.
 */
export const asJson = (fields: object): string => JSON.stringify(fields);

/** The shared part of the adapters' test corpus. */
export const STABLECOIN_ARTICLES: Record<string, string> = {
  "mica.json": asJson({
    title: "EU adopts MiCA rules for stablecoin issuers",
    source: "EU Desk",
    publishedAt: "2023-05-16",
    jurisdictions: ["European Union"],
    body: "The European Union adopted the Markets in Crypto-Assets regulation (MiCA). Stablecoin issuers need a licence and must hold reserves.",
  }),
  "hk.json": asJson({
    title: "Hong Kong opens stablecoin licensing",
    publishedAt: "2024-07-18",
    jurisdictions: ["Hong Kong"],
    body: "The Hong Kong Monetary Authority will license stablecoin issuers, who must keep reserves in segregated accounts.",
  }),
  "japan.json": asJson({
    title: "Japan limits stablecoin issuance to banks",
    publishedAt: "2022-06-03",
    jurisdictions: ["Japan"],
    body: "Japan's parliament passed a law that lets only banks and trust companies issue stablecoins, with reserves held in yen.",
  }),
  "us.json": asJson({
    title: "US senators propose a stablecoin bill",
    publishedAt: "2023-04-20",
    jurisdictions: ["United States"],
    body: "Two senators proposed a bill requiring stablecoin issuers to hold reserves in cash and short-term treasuries.",
  }),
  "sg.json": asJson({
    title: "Singapore finalises its stablecoin framework",
    publishedAt: "2023-08-15",
    jurisdictions: ["Singapore"],
    body: "The Monetary Authority of Singapore finalised rules for single-currency stablecoin issuers, including reserve requirements.",
  }),
  "china.json": asJson({
    title: "China bans crypto trading",
    publishedAt: "2021-09-24",
    jurisdictions: ["China"],
    body: "The People's Bank of China declared all cryptocurrency trading illegal and banned crypto mining.",
  }),
};
