-- CreateTable
CREATE TABLE "customer_directory" (
    "id" UUID NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "email_normalized" VARCHAR(320) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "tier" "CustomerTier" NOT NULL,
    "status" "CustomerStatus" NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_directory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customer_directory_registered_at_id_idx" ON "customer_directory"("registered_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "customer_directory_tier_registered_at_id_idx" ON "customer_directory"("tier", "registered_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "customer_directory_status_registered_at_id_idx" ON "customer_directory"("status", "registered_at" DESC, "id" DESC);

-- CreateIndex
-- Hand-edited: varchar_pattern_ops (not expressible in schema.prisma) lets `LIKE 'prefix%'` use
-- this index under any collation, not only "C". Drift checks do not compare operator classes.
CREATE INDEX "customer_directory_email_normalized_idx" ON "customer_directory"("email_normalized" varchar_pattern_ops);
