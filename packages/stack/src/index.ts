/** The key pair `startStack` hands the gateway and the subgraphs (for callers that choose it). */
export { generateInternalKeyPair, type InternalKeyPair } from "@shopstream/auth";
export { type DevTokenPrincipal, devTokenClaims, mintDevToken } from "./dev-token.ts";
export {
  ALL_SPECS,
  GATEWAY_SPEC,
  PROVIDER_SPEC,
  type ServiceSpec,
  SUBGRAPH_SPECS,
  WORKERS_SPEC,
} from "./services.ts";
export {
  DEFAULT_DEV_KEY_FILE,
  REPO_ROOT,
  type RunningStack,
  StackError,
  type StackOptions,
  startStack,
} from "./stack.ts";
export {
  CrashHistory,
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
  type SupervisedProcess,
  supervise,
} from "./supervisor.ts";
