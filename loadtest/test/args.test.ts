import { describe, expect, it } from "vitest";
import { parseArgs, serviceUrl } from "../src/args.ts";
import { parseDuration } from "../src/harness/time.ts";

describe("parseArgs", () => {
  it("takes a profile and its options", () => {
    expect(
      parseArgs(["smoke", "--duration", "20s", "--users", "3", "--headless", "--report", "out"]),
    ).toMatchObject({
      profile: "smoke",
      durationMs: 20_000,
      users: 3,
      headless: true,
      reportDir: "out",
      gateway: "http://127.0.0.1:4000/graphql",
    });
    expect(parseArgs(["--", "load"]).profile).toBe("load");
  });

  it.each([
    [[], /no profile/],
    [["nope"], /unknown profile "nope"/],
    [["smoke", "--frobnicate"], /unknown option --frobnicate/],
    [["smoke", "--duration", "soon"], /--duration/],
    [["smoke", "--users", "0"], /--users/],
    [["smoke", "--users"], /--users needs a value/],
    [["smoke", "--gateway", "http://example.com/graphql"], /loopback/],
    [["smoke", "extra"], /one profile only/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });

  it("derives the stack's other services from the gateway's port", () => {
    expect(serviceUrl("http://127.0.0.1:16300/graphql", 20)).toBe("http://127.0.0.1:16320");
  });

  it("parses durations", () => {
    expect([
      parseDuration("30s"),
      parseDuration("2m"),
      parseDuration("500ms"),
      parseDuration("10"),
    ]).toEqual([30_000, 120_000, 500, 10_000]);
    expect(parseDuration("0s")).toBeUndefined();
    expect(parseDuration("-1s")).toBeUndefined();
  });
});
