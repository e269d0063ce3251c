import { describe, expect, it } from "vitest";
import {
  ConfigError,
  env,
  fetchPortProblem,
  loadConfig,
  serviceConfig,
  serviceEnv,
  z,
} from "./index.ts";

const schema = z.object({
  PORT: env.port(4001),
  DATABASE_URL: env.postgresUrl(),
  REDIS_URL: env.redisUrl(),
});

describe("loadConfig", () => {
  it("applies defaults and coerces numbers", () => {
    const config = loadConfig(schema, { PORT: "5000", DATABASE_URL: "postgres://u@h:5432/db" });
    expect(config).toEqual({
      PORT: 5000,
      DATABASE_URL: "postgres://u@h:5432/db",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
  });

  it("treats empty strings as unset", () => {
    const config = loadConfig(schema, { PORT: "", DATABASE_URL: "postgres://h/db" });
    expect(config.PORT).toBe(4001);
  });

  it("reports every problem at once, naming the variable and the bad value", () => {
    try {
      loadConfig(schema, { PORT: "70000", REDIS_URL: "http://x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join("\n")).toMatch(/PORT: must be between 1 and 65535 \(got "70000"\)/);
      expect(problems.join("\n")).toMatch(/DATABASE_URL/);
      expect(problems.join("\n")).toMatch(/REDIS_URL: must be a redis:\/\/ URL/);
    }
  });
});

describe("env.httpUrl", () => {
  const urls = z.object({ PAYMENT_PROVIDER_URL: env.httpUrl() });

  it("accepts an http(s) URL on a port fetch connects to", () => {
    expect(loadConfig(urls, { PAYMENT_PROVIDER_URL: "http://127.0.0.1:4020" })).toEqual({
      PAYMENT_PROVIDER_URL: "http://127.0.0.1:4020",
    });
    expect(() => loadConfig(urls, { PAYMENT_PROVIDER_URL: "https://pay.example" })).not.toThrow();
  });

  it("refuses anything else, and a port on the Fetch standard's bad-ports list, saying why", () => {
    expect(() => loadConfig(urls, { PAYMENT_PROVIDER_URL: "ftp://x" })).toThrow(
      /PAYMENT_PROVIDER_URL: must be an http\(s\):\/\/ URL/,
    );
    expect(() => loadConfig(urls, { PAYMENT_PROVIDER_URL: "http://127.0.0.1:6000/x" })).toThrow(
      /PAYMENT_PROVIDER_URL: is on port 6000, which Node's fetch and browsers refuse to connect to/,
    );
  });
});

describe("fetchPortProblem", () => {
  it("names the ports fetch refuses (6000, 6665–6669, …) and only those", () => {
    for (const port of [6000, 6665, 6669, 10080]) expect(fetchPortProblem(port)).toMatch(`${port}`);
    for (const port of [0, 80, 443, 4000, 5999, 6001, 6670])
      expect(fetchPortProblem(port)).toBeNull();
  });
});

describe("serviceEnv / serviceConfig", () => {
  it("read PORT, HOST and LOG_LEVEL with the process's default port", () => {
    const c = loadConfig(z.object(serviceEnv(4010)), { LOG_LEVEL: "warn" });
    expect(serviceConfig(c)).toEqual({ port: 4010, host: "0.0.0.0", logLevel: "warn" });
  });
});

describe("env.int", () => {
  it("applies the default and the bounds", () => {
    const knobs = z.object({ A: env.int(500, 10, 60_000), B: env.int(100, 100) });
    expect(loadConfig(knobs, {})).toEqual({ A: 500, B: 100 });
    expect(() => loadConfig(knobs, { A: "9", B: "99" })).toThrow(ConfigError);
    expect(loadConfig(knobs, { B: "1000000" }).B).toBe(1_000_000);
  });
});
