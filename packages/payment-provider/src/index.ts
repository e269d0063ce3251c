export { createProvider, type Outcome, type ProviderOptions } from "./provider.ts";
export { signWebhook } from "./sign.ts";
