-- DropIndex
DROP INDEX "customer_address_customer_id_idx";

-- CreateIndex
CREATE UNIQUE INDEX "customer_address_customer_id_position_key" ON "customer_address"("customer_id", "position");

-- Hand-written (schema.prisma cannot express these).
-- Exactly one default among a customer's addresses is the domain's rule; the database keeps at
-- least the "at most one" half, whatever code writes the rows.
CREATE UNIQUE INDEX "customer_address_one_default_idx" ON "customer_address"("customer_id") WHERE "is_default";

-- A suspension reason only exists while the customer is suspended.
ALTER TABLE "customer" ADD CONSTRAINT "customer_suspension_reason_check"
  CHECK ("suspension_reason" IS NULL OR "status" = 'SUSPENDED');
