import { describe, expect, it } from "vitest";
import { portBaseProblem } from "../src/ports.ts";

describe("portBaseProblem", () => {
  it("accepts the default base and others whose every service port fetch connects to", () => {
    expect(portBaseProblem(4000)).toBeNull();
    expect(portBaseProblem(14000)).toBeNull();
    expect(portBaseProblem(6001)).toBeNull();
  });

  it("refuses a base that puts any service on a port fetch refuses, naming the service and port", () => {
    expect(portBaseProblem(6000)).toBe(
      `puts gateway on port 6000, which Node's fetch and browsers refuse to connect to (a "bad port" of the Fetch standard); choose another base, e.g. 4000`,
    );
    // 6665–6669 are IRC's: the subgraphs (base+1…5), the workers (+10) and the provider (+20).
    expect(portBaseProblem(6664)).toMatch(/^puts identity on port 6665,/);
    expect(portBaseProblem(6655)).toMatch(/^puts workers on port 6665,/);
    expect(portBaseProblem(6649)).toMatch(/^puts payment-provider on port 6669,/);
    expect(portBaseProblem(10070)).toMatch(/^puts workers on port 10080,/);
  });

  it("refuses a base that puts a service above port 65535", () => {
    expect(portBaseProblem(65530)).toBe("puts workers on port 65540, above 65535");
  });
});
