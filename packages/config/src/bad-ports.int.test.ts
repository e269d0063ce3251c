import { describe, expect, it } from "vitest";
import { FETCH_BAD_PORTS } from "./index.ts";

describe("FETCH_BAD_PORTS", () => {
  it("lists ports this Node's fetch refuses before connecting", async () => {
    for (const port of FETCH_BAD_PORTS) {
      const error = await fetch(`http://127.0.0.1:${port}/health`).then(
        () => null,
        (e: unknown) => e as Error & { cause?: unknown },
      );
      expect(String((error?.cause as Error | undefined)?.message), `port ${port}`).toBe("bad port");
    }
  });
});
