import { describe, expect, it } from "vitest";
import { byIdLoader } from "./loaders.ts";

const ID = "0192f0a4-7b3c-7def-8abc-0123456789ab";

describe("byIdLoader", () => {
  it("finds a row by its id in either letter case, with one fetch of lower-case ids", async () => {
    const asked: string[][] = [];
    const loader = byIdLoader(async (ids) => {
      asked.push(ids);
      return ids.map((id) => ({ id, name: "row" }));
    });
    const [upper, lower, bad] = await Promise.all([
      loader.load(ID.toUpperCase()),
      loader.load(ID),
      loader.load("not-a-uuid"),
    ]);
    expect(upper).toEqual({ id: ID, name: "row" });
    expect(lower).toEqual(upper);
    expect(bad).toBeNull();
    expect(asked).toEqual([[ID]]);
  });

  it("groups rows under an upper-case key too", async () => {
    const loader = byIdLoader(
      async () => [
        { orderId: ID, n: 1 },
        { orderId: ID, n: 2 },
      ],
      {
        many: (row) => row.orderId,
      },
    );
    expect(await loader.load(ID.toUpperCase())).toHaveLength(2);
  });
});
