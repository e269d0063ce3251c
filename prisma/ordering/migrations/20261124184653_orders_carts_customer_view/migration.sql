-- CreateEnum
CREATE TYPE "CartStatus" AS ENUM ('ACTIVE', 'CONVERTED', 'ABANDONED');

-- DropIndex
DROP INDEX "order_customer_id_idx";

-- AlterTable
ALTER TABLE "order" ADD COLUMN     "cart_id" UUID,
ADD COLUMN     "coupon_amount" INTEGER,
ADD COLUMN     "coupon_code" VARCHAR(50),
ADD COLUMN     "customer_tier" VARCHAR(20) NOT NULL DEFAULT 'STANDARD',
ADD COLUMN     "payment_captured" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "placement_fingerprint" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "shipments" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "order_event" (
    "event_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "version" INTEGER NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "actor" VARCHAR(255),

    CONSTRAINT "order_event_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "cart" (
    "id" UUID NOT NULL,
    "customer_id" UUID,
    "status" "CartStatus" NOT NULL DEFAULT 'ACTIVE',
    "coupon_code" VARCHAR(50),
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL,
    "order_id" UUID,
    "merged_into_cart_id" UUID,
    "checkout_idempotency_key" VARCHAR(255),
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart_line" (
    "cart_id" UUID NOT NULL,
    "variant_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "cart_line_pkey" PRIMARY KEY ("cart_id","variant_id")
);

-- CreateTable
CREATE TABLE "customer_view" (
    "customer_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "tier" VARCHAR(20) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_view_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "order_event_order_id_version_key" ON "order_event"("order_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "cart_checkout_idempotency_key_key" ON "cart"("checkout_idempotency_key");

-- CreateIndex
CREATE INDEX "cart_status_last_activity_at_idx" ON "cart"("status", "last_activity_at");

-- CreateIndex
CREATE INDEX "cart_customer_id_idx" ON "cart"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_cart_id_key" ON "order"("cart_id");

-- CreateIndex
CREATE INDEX "order_customer_id_created_at_id_idx" ON "order"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "order_status_created_at_id_idx" ON "order"("status", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "order_event" ADD CONSTRAINT "order_event_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cart_line" ADD CONSTRAINT "cart_line_cart_id_fkey" FOREIGN KEY ("cart_id") REFERENCES "cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Money is never negative; quantities are 1..999 (docs/ordering.md, "Carts" and "Totals").
ALTER TABLE "order" ADD CONSTRAINT "order_amounts_non_negative" CHECK (
  subtotal_amount >= 0 AND shipping_amount >= 0 AND tax_amount >= 0 AND discount_amount >= 0
  AND total_amount >= 0 AND (coupon_amount IS NULL OR coupon_amount >= 0));
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_quantity_range" CHECK (quantity BETWEEN 1 AND 999);
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_amounts_non_negative" CHECK (
  unit_price_amount >= 0 AND discount_amount >= 0 AND discount_amount <= unit_price_amount * quantity);
ALTER TABLE "cart_line" ADD CONSTRAINT "cart_line_quantity_range" CHECK (quantity BETWEEN 1 AND 999);
