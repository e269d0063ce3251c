export { ANONYMOUS, actorOf, type Principal } from "@shopstream/auth";
export { Admission, type AdmissionLimits } from "./admission.ts";
export { graphqlMetricsPlugin } from "./graphql-metrics.ts";
export {
  type Authenticate,
  type HttpServiceOptions,
  type ReadinessCheck,
  type RequestContext,
  type RunningHttpService,
  requestContext,
  startHttpService,
} from "./http-service.ts";
export {
  INTERNAL_AUTH_PUBLIC_KEYS,
  type InternalPublicKey,
  internalAuthenticator,
  parseInternalPublicKeys,
} from "./internal-auth.ts";
export { byIdLoader } from "./loaders.ts";
export { createLogger, type Logger, type LogLevel } from "./logger.ts";
export { MoneyResolvers } from "./money-resolvers.ts";
export {
  enforcePolicy,
  guestTokenHash,
  mayReachOwned,
  type Owner,
  type OwnerLookup,
  type OwnerLookups,
  type OwnershipScope,
  ownershipScope,
  reaches,
  refusal,
} from "./policy.ts";
export { retryableStatusPlugin } from "./retryable-status.ts";
export { runService } from "./run.ts";
export { runSubgraph } from "./run-subgraph.ts";
export { DateScalar, DateTimeScalar, JSONScalar } from "./scalars.ts";
export {
  contextDatabaseEnv,
  loadRunnableSubgraphConfig,
  loadSubgraphConfig,
  SUBGRAPH_PORTS,
  type SubgraphConfig,
  subgraphEnvKeys,
} from "./subgraph-config.ts";
export { createSubgraphServer, loadTypeDefs } from "./subgraph-server.ts";
