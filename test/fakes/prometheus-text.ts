/** One sample line of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/**
 * Parses the Prometheus text exposition format (0.0.4) strictly, as a scraper would: throws on a line that is
 * neither HELP, TYPE nor a sample, on a bad label list or value, and on a sample whose family has no TYPE.
 */
export function parsePrometheus(text: string): Sample[] {
  const typed = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line === "") continue;
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line.startsWith("#")) {
      const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(line);
      if (!meta) throw new Error(`not a HELP or TYPE comment, ${where}`);
      if (meta[1] === "TYPE") {
        if (!TYPES.has(meta[3]!)) throw new Error(`unknown metric type, ${where}`);
        typed.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample, ${where}`);
    const [, name, labelText = "", valueText] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`bad labels, ${where}`);
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes "Nan").
    const special: Record<string, number> = { nan: NaN, "+inf": Infinity, inf: Infinity, "-inf": -Infinity };
    const value = special[valueText!.toLowerCase()] ?? Number(valueText);
    if (Number.isNaN(value) && valueText!.toLowerCase() !== "nan") throw new Error(`bad value, ${where}`);
    const family = name!.replace(/_(bucket|sum|count)$/, "");
    if (!typed.has(name!) && !typed.has(family)) throw new Error(`sample without a TYPE, ${where}`);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

/** The value of the sample with this name and exactly these labels, or undefined. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const want = Object.entries(labels).sort();
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(want))?.value;
}
