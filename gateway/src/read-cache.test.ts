import { describe, expect, it } from "vitest";
import { isQueryOperation, type SubgraphRead, SubgraphReadCache } from "./read-cache.ts";

const read = (over: Partial<SubgraphRead> = {}): SubgraphRead => ({
  subgraph: "catalogue",
  query: "query Q__catalogue__0 { products { id } }",
  variables: {},
  credentials: ["Bearer anon"],
  anonymous: true,
  ...over,
});

/** A send that answers `value` when released, counting calls. */
function deferredSend(value: string) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const calls = { count: 0 };
  const send = async () => {
    calls.count++;
    await gate;
    return value;
  };
  return { send, release, calls };
}

const always = () => true;

describe("SubgraphReadCache", () => {
  it("tells queries from mutations", () => {
    expect(isQueryOperation("query X { a }")).toBe(true);
    expect(isQueryOperation("  { a }")).toBe(true);
    expect(isQueryOperation("mutation X { a }")).toBe(false);
    expect(isQueryOperation("queryX")).toBe(false);
  });

  it("serves an anonymous read from the cache until its subgraph is invalidated", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: ["catalogue"] });
    let n = 0;
    const send = async () => `answer ${++n}`;
    expect(await cache.read(read(), send, always)).toBe("answer 1");
    expect(await cache.read(read(), send, always)).toBe("answer 1");
    cache.invalidate("inventory");
    expect(await cache.read(read(), send, always)).toBe("answer 1");
    cache.invalidate("catalogue");
    expect(await cache.read(read(), send, always)).toBe("answer 2");
  });

  it("never caches a signed-in principal's read, a mutation, another subgraph or an error", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: ["catalogue"] });
    let n = 0;
    const send = async () => `answer ${++n}`;
    const cases = [
      read({ anonymous: false, credentials: ["Bearer staff"] }),
      read({ query: "mutation M { activateProduct(id: 1) { id } }" }),
      read({ subgraph: "ordering" }),
    ];
    for (const r of cases) {
      const first = await cache.read(r, send, always);
      expect(await cache.read(r, send, always)).not.toBe(first);
    }
    const first = await cache.read(read({ variables: { x: 1 } }), send, () => false);
    expect(await cache.read(read({ variables: { x: 1 } }), send, always)).not.toBe(first);
  });

  it("keys by variables: a different page is a different entry", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: ["catalogue"] });
    let n = 0;
    const send = async () => `answer ${++n}`;
    expect(await cache.read(read({ variables: { first: 1 } }), send, always)).toBe("answer 1");
    expect(await cache.read(read({ variables: { first: 2 } }), send, always)).toBe("answer 2");
  });

  it("collapses identical in-flight reads of one principal, never across principals", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: [] });
    const a = deferredSend("for a");
    const b = deferredSend("for b");
    const staffA = read({ anonymous: false, credentials: ["Bearer a"] });
    const staffB = read({ anonymous: false, credentials: ["Bearer b"] });
    const reads = [
      cache.read(staffA, a.send, always),
      cache.read(staffA, a.send, always),
      cache.read(staffB, b.send, always),
    ];
    a.release();
    b.release();
    expect(await Promise.all(reads)).toEqual(["for a", "for a", "for b"]);
    expect(a.calls.count).toBe(1);
    expect(b.calls.count).toBe(1);
    expect(cache.stats.collapsed).toBe(1);
  });

  it("does not store an answer that was in flight when its subgraph changed", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: ["catalogue"] });
    const before = deferredSend("before the change");
    const pending = cache.read(read(), before.send, always);
    cache.invalidate("catalogue");
    before.release();
    expect(await pending).toBe("before the change");
    expect(await cache.read(read(), async () => "after the change", always)).toBe(
      "after the change",
    );
  });

  it("a read that starts after a change does not join a request sent before it", async () => {
    const cache = new SubgraphReadCache<string>({ cachedSubgraphs: ["catalogue"] });
    const before = deferredSend("before the change");
    const first = cache.read(read(), before.send, always);
    cache.invalidate("catalogue");
    const second = cache.read(read(), async () => "after the change", always);
    before.release();
    expect(await Promise.all([first, second])).toEqual(["before the change", "after the change"]);
  });

  it("can be switched off: no cache, no collapsing", async () => {
    const cache = new SubgraphReadCache<string>({
      cachedSubgraphs: ["catalogue"],
      cache: false,
      collapse: false,
    });
    const d = deferredSend("x");
    const reads = [cache.read(read(), d.send, always), cache.read(read(), d.send, always)];
    d.release();
    await Promise.all(reads);
    await cache.read(read(), d.send, always);
    expect(d.calls.count).toBe(3);
  });
});
