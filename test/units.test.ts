import { describe, expect, it } from "vitest";
import { formatBytes } from "../src/units.js";

describe("formatBytes", () => {
  it("writes bytes, then one decimal under ten units, then whole units", () => {
    expect([formatBytes(812), formatBytes(4.2 * 1024 * 1024), formatBytes(150 * 1024 * 1024), formatBytes(1536 * 1024 * 1024)]).toEqual(["812 B", "4.2 MB", "150 MB", "1.5 GB"]);
  });
});
