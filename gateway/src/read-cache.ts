import { LRUCache } from "lru-cache";

/**
 * The gateway's two read shortcuts on subgraph requests (README "Public catalogue cache"):
 *
 * - **Collapsing**: identical subgraph queries in flight at the same moment are sent once and
 *   every waiting caller gets its own copy of the answer. The key holds everything that can make
 *   two answers differ — the subgraph, the query text, the variables, and the request's
 *   credentials (the internal token, which names the principal, and a guest cart token) — so two
 *   principals never share an answer. Mutations are never collapsed.
 * - **Public cache**: answers of the catalogue and inventory subgraphs to the ANONYMOUS principal
 *   (what any shopper can read without signing in) are kept, by subgraph, query and variables,
 *   until that subgraph's context changes: any of its events on the live stream (or a mutation
 *   of that subgraph through this gateway) empties the subgraph's entries. Nobody signed in is
 *   ever served from it. An answer with errors is never kept.
 *
 * Invalidation is per subgraph rather than per entity: a product list or an entity batch can
 * depend on any row of its context, and emptying a few hundred entries costs nothing next to a
 * stale price. A generation number per subgraph stops an answer that was in flight while an
 * event arrived from being stored after it (it could predate the change).
 */
/** The subgraphs whose anonymous answers are public catalogue reads (their contexts' events). */
export const PUBLIC_READ_SUBGRAPHS = ["catalogue", "inventory"] as const;

export interface ReadCacheOptions {
  /** Subgraphs whose anonymous answers may be cached (their events invalidate them). */
  cachedSubgraphs: readonly string[];
  /** Entries kept at most (least recently used go first). */
  maxEntries?: number;
  /** Upper bound on an entry's age, a safety net should an event be missed. */
  ttlMs?: number;
  /** Collapse identical in-flight queries (default true). */
  collapse?: boolean;
  /** Cache anonymous answers (default true). */
  cache?: boolean;
}

export interface SubgraphRead {
  subgraph: string;
  query: string;
  variables: Record<string, unknown> | undefined;
  /** Everything of the request that names who asks: internal token, cart token. */
  credentials: readonly (string | null | undefined)[];
  /** Whether the request's principal is anonymous (the only one the cache serves). */
  anonymous: boolean;
}

/** Whether a subgraph operation is a query (the gateway sends `query …`, `mutation …` or `{ … }`). */
export const isQueryOperation = (query: string): boolean => /^\s*(?:query\b|\{)/.test(query);

interface Stored<T> {
  value: T;
}

export class SubgraphReadCache<T> {
  private readonly cached: ReadonlySet<string>;
  private readonly entries: LRUCache<string, Stored<T>>;
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly generations = new Map<string, number>();
  readonly collapsing: boolean;
  readonly caching: boolean;
  /** Counters for metrics and tests. */
  readonly stats = { hits: 0, misses: 0, collapsed: 0, invalidations: 0 };

  constructor(options: ReadCacheOptions) {
    this.cached = new Set(options.cachedSubgraphs);
    this.entries = new LRUCache({
      max: options.maxEntries ?? 1000,
      ttl: options.ttlMs ?? 60_000,
    });
    this.collapsing = options.collapse ?? true;
    this.caching = options.cache ?? true;
  }

  /** Empties a subgraph's entries: its context changed. */
  invalidate(subgraph: string): void {
    this.generations.set(subgraph, (this.generations.get(subgraph) ?? 0) + 1);
    this.stats.invalidations++;
    const prefix = `${subgraph}\n`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /**
   * Answers `read` from the cache, from an identical request in flight, or by calling `send`.
   * Answers are shared between callers, so `T` must be immutable (the gateway keeps the HTTP
   * status, headers and body text, and every caller parses its own copy). `cacheable` says
   * whether an answer may be kept (no errors).
   */
  async read(
    read: SubgraphRead,
    send: () => Promise<T>,
    cacheable: (value: T) => boolean,
  ): Promise<T> {
    if (!isQueryOperation(read.query)) return send();
    const useCache = this.caching && read.anonymous && this.cached.has(read.subgraph);
    const cacheKey = useCache ? this.cacheKey(read) : null;
    if (cacheKey !== null) {
      const hit = this.entries.get(cacheKey);
      if (hit) {
        this.stats.hits++;
        return hit.value;
      }
      this.stats.misses++;
    }
    if (!this.collapsing && cacheKey === null) return send();
    // Collapsing needs the credentials in the key; a cacheable read is anonymous, whose
    // credentials are the same for every caller, so the longer key is only for collapsing.
    // The generation is in the key too: a read that starts after a change never joins a request
    // sent before it.
    const generation = this.generations.get(read.subgraph) ?? 0;
    const flightKey = `${generation}\n${this.cacheKey(read)}\n${JSON.stringify(read.credentials)}`;
    const pending = this.collapsing ? this.inFlight.get(flightKey) : undefined;
    if (pending) {
      this.stats.collapsed++;
      return pending;
    }
    const sent = send();
    if (this.collapsing) {
      this.inFlight.set(flightKey, sent);
      sent.then(
        () => this.inFlight.delete(flightKey),
        () => this.inFlight.delete(flightKey),
      );
    }
    const value = await sent;
    if (
      cacheKey !== null &&
      cacheable(value) &&
      (this.generations.get(read.subgraph) ?? 0) === generation
    )
      this.entries.set(cacheKey, { value });
    return value;
  }

  /** Entries held (tests, metrics). */
  get size(): number {
    return this.entries.size;
  }

  private cacheKey(read: SubgraphRead): string {
    return `${read.subgraph}\n${read.query}\n${JSON.stringify(read.variables ?? null)}`;
  }
}
