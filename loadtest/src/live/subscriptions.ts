import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

const STOCK = `subscription LiveStock { stockLevelChanged { event occurredAt stockItem { id } current { onHand reserved available } } }`;
const ORDERS = `subscription LiveOrders { orderStatusChanged { event occurredAt previousStatus status order { id } } }`;

export interface LiveSubscriptions {
  status(): string;
  close(): Promise<void>;
}

/**
 * Subscribes to the gateway's live events over graphql-ws and hands each one to `onEvent`. The
 * token goes in `connection_init`: stock events are the inventory manager's and fulfilment's,
 * every customer's order events staff's, so the page signs in as fulfilment (`run.ts`).
 */
export function subscribeToGateway(
  gateway: string,
  token: string | undefined,
  onEvent: (e: Record<string, unknown>) => void,
): LiveSubscriptions {
  const url = gateway.replace(/^http/, "ws");
  let state = "connecting";
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    onNonLazyError: () => {
      state = "unavailable";
    },
    retryAttempts: 5,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    on: {
      connected: () => {
        state = "connected";
      },
      closed: () => {
        state = "closed";
      },
      error: () => {
        state = "error";
      },
    },
  });
  const unsubs = [
    client.subscribe<Record<string, unknown>>(
      { query: STOCK },
      {
        next: (r) =>
          r.data && onEvent({ kind: "stockLevelChanged", ...(r.data.stockLevelChanged as object) }),
        error: () => {
          state = "error";
        },
        complete: () => undefined,
      },
    ),
    client.subscribe<Record<string, unknown>>(
      { query: ORDERS },
      {
        next: (r) =>
          r.data &&
          onEvent({ kind: "orderStatusChanged", ...(r.data.orderStatusChanged as object) }),
        error: () => {
          state = "error";
        },
        complete: () => undefined,
      },
    ),
  ];
  return {
    status: () => state,
    async close() {
      for (const u of unsubs) u();
      await client.dispose();
    },
  };
}
