import { DomainError } from "@shopstream/errors";
import { isUuid } from "@shopstream/service";
import type { IdentityContext } from "../context.ts";

export const Query = {
  customer: (_: unknown, args: { id: string }, ctx: IdentityContext) => {
    if (!isUuid(args.id))
      throw DomainError.validation([{ field: "id", message: "must be a UUID" }]);
    return ctx.loaders.customer.load(args.id);
  },
};
