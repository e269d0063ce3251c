/**
 * `@shopstream/policy`: who may do what. The rule shape and the decision (`access.ts`), the table
 * (`table.ts`: a row for every root field and entity reference of the supergraph) and the role ×
 * coordinate matrix generated from it (`matrix.ts`). docs/security.md explains them.
 */
export {
  type Access,
  type Audience,
  access,
  assignedOwner,
  isInternal,
  type OwnedEntity,
  type Ownership,
  ownershipsOf,
  type Rule,
} from "./access.ts";
export {
  MATRIX_ROLES,
  type MatrixCell,
  type MatrixDecision,
  type MatrixRole,
  matrixPrincipal,
  policyMatrix,
} from "./matrix.ts";
export { POLICY, ruleFor } from "./table.ts";
