export * from "./live-channel.ts";
