import { describe, expect, it } from "vitest";
import { ConfigError, env, loadConfig, z } from "./index.ts";

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
