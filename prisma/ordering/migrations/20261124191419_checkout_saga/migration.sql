-- CreateTable
CREATE TABLE "checkout_saga" (
    "order_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "checkout_saga_pkey" PRIMARY KEY ("order_id")
);

-- AddForeignKey
ALTER TABLE "checkout_saga" ADD CONSTRAINT "checkout_saga_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CheckoutStatus values (schema.graphql); Prisma cannot express CHECK constraints.
ALTER TABLE "checkout_saga" ADD CONSTRAINT "checkout_saga_status_check"
  CHECK ("status" IN ('NOT_STARTED', 'RESERVING', 'PAYMENT_PENDING', 'COMPLETED', 'FAILED', 'CANCELLED'));
ALTER TABLE "checkout_saga" ADD CONSTRAINT "checkout_saga_steps_array_check"
  CHECK (jsonb_typeof("steps") = 'array');
