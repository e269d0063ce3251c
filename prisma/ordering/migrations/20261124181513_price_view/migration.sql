-- CreateTable
CREATE TABLE "variant_price_view" (
    "variant_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_sku" VARCHAR(50) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" INTEGER NOT NULL,
    "tier_prices" JSONB NOT NULL,
    "initial_product_status" VARCHAR(20) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "variant_price_view_pkey" PRIMARY KEY ("variant_id")
);

-- CreateTable
CREATE TABLE "product_status_view" (
    "product_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_status_view_pkey" PRIMARY KEY ("product_id")
);

-- CreateIndex
CREATE INDEX "variant_price_view_product_id_idx" ON "variant_price_view"("product_id");
