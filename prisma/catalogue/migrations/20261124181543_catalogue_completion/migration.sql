-- AlterTable
ALTER TABLE "category" ADD COLUMN     "updated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "product_variant" ADD COLUMN     "gold_price" INTEGER,
ADD COLUMN     "height_mm" INTEGER,
ADD COLUMN     "length_mm" INTEGER,
ADD COLUMN     "platinum_price" INTEGER,
ADD COLUMN     "silver_price" INTEGER,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3),
ADD COLUMN     "width_mm" INTEGER;

-- CreateTable
CREATE TABLE "product_image" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "alt_text" VARCHAR(255),
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_image_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "product_image_product_id_position_idx" ON "product_image"("product_id", "position");

-- CreateIndex
CREATE INDEX "category_parent_id_display_order_id_idx" ON "category"("parent_id", "display_order", "id");

-- AddForeignKey
ALTER TABLE "product_image" ADD CONSTRAINT "product_image_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Invariants the database enforces whatever the code does (hand-written; Prisma cannot express
-- CHECK constraints or partial indexes).
ALTER TABLE "product_variant" ADD CONSTRAINT "product_variant_price_positive" CHECK ("price_amount" >= 1);
ALTER TABLE "product_variant" ADD CONSTRAINT "product_variant_tier_prices_below_base" CHECK (
  ("silver_price" IS NULL OR ("silver_price" >= 1 AND "silver_price" < "price_amount")) AND
  ("gold_price" IS NULL OR ("gold_price" >= 1 AND "gold_price" < "price_amount")) AND
  ("platinum_price" IS NULL OR ("platinum_price" >= 1 AND "platinum_price" < "price_amount"))
);
ALTER TABLE "category" ADD CONSTRAINT "category_depth_range" CHECK ("depth" BETWEEN 1 AND 3);
ALTER TABLE "product_image" ADD CONSTRAINT "product_image_position_range" CHECK ("position" BETWEEN 0 AND 9);
-- Exactly one primary image per product is kept by the domain; at most one is enforced here.
CREATE UNIQUE INDEX "product_image_one_primary" ON "product_image" ("product_id") WHERE "is_primary";
