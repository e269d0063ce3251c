-- CreateEnum
CREATE TYPE "WarehouseZone" AS ENUM ('REGULAR', 'COLD', 'HAZMAT');

-- CreateEnum
CREATE TYPE "ReservationStatus" AS ENUM ('ACTIVE', 'CONFIRMED', 'COMMITTED', 'RELEASED');

-- AlterTable
ALTER TABLE "stock_item" ADD COLUMN     "created_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_counted_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_counted_quantity" INTEGER,
ADD COLUMN     "low_stock" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "warehouse" ADD COLUMN     "city" VARCHAR(100),
ADD COLUMN     "country" VARCHAR(100),
ADD COLUMN     "deactivated_at" TIMESTAMPTZ(3),
ADD COLUMN     "postal_code" VARCHAR(20),
ADD COLUMN     "state" VARCHAR(100),
ADD COLUMN     "street" VARCHAR(255),
ADD COLUMN     "updated_at" TIMESTAMPTZ(3),
ADD COLUMN     "zones" "WarehouseZone"[] DEFAULT ARRAY[]::"WarehouseZone"[];

-- CreateTable
CREATE TABLE "reservation" (
    "id" UUID NOT NULL,
    "stock_item_id" UUID NOT NULL,
    "order_id" UUID,
    "quantity" INTEGER NOT NULL,
    "status" "ReservationStatus" NOT NULL DEFAULT 'ACTIVE',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "release_reason" VARCHAR(500),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reservation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reservation_stock_item_id_idx" ON "reservation"("stock_item_id");

-- CreateIndex
CREATE INDEX "reservation_order_id_idx" ON "reservation"("order_id");

-- AddForeignKey
ALTER TABLE "reservation" ADD CONSTRAINT "reservation_stock_item_id_fkey" FOREIGN KEY ("stock_item_id") REFERENCES "stock_item"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma cannot express these). Stock can never be oversold: whatever the code
-- does, the database refuses a negative quantity or more reserved than on hand.
ALTER TABLE "stock_item"
  ADD CONSTRAINT "stock_item_on_hand_non_negative" CHECK ("on_hand" >= 0),
  ADD CONSTRAINT "stock_item_reserved_non_negative" CHECK ("reserved" >= 0),
  ADD CONSTRAINT "stock_item_damaged_non_negative" CHECK ("damaged" >= 0),
  ADD CONSTRAINT "stock_item_reserved_within_on_hand" CHECK ("reserved" <= "on_hand"),
  ADD CONSTRAINT "stock_item_reorder_non_negative" CHECK ("reorder_point" >= 0 AND "reorder_quantity" >= 0);

ALTER TABLE "reservation"
  ADD CONSTRAINT "reservation_quantity_positive" CHECK ("quantity" > 0);

ALTER TABLE "warehouse"
  ADD CONSTRAINT "warehouse_capacity_positive" CHECK ("capacity" IS NULL OR "capacity" > 0);

-- At most one default warehouse.
CREATE UNIQUE INDEX "warehouse_single_default" ON "warehouse" ("is_default") WHERE "is_default";

-- The expiry job scans only reservations that still hold stock.
CREATE INDEX "reservation_open_expires_at_idx" ON "reservation" ("expires_at")
  WHERE "status" IN ('ACTIVE', 'CONFIRMED');

-- The default warehouse new catalogue variants get their stock item in (fixed id, so code and
-- tests can name it), with its WarehouseCreated event so the Warehouse stream starts at version 1.
-- Only seeded when no default exists yet.
WITH seeded AS (
  INSERT INTO "warehouse" ("id", "name", "is_default", "active", "version", "created_at", "updated_at", "zones")
  SELECT '00000000-0000-7000-8000-000000000001', 'Main warehouse', true, true, 1, now(), now(), ARRAY['REGULAR']::"WarehouseZone"[]
  WHERE NOT EXISTS (SELECT 1 FROM "warehouse" WHERE "is_default")
  RETURNING "id", "name", "created_at"
)
INSERT INTO "outbox" ("event_id", "event_type", "schema_version", "aggregate_type", "aggregate_id", "aggregate_version", "occurred_at", "payload", "metadata")
SELECT '00000000-0000-7000-8000-0000000000e1', 'WarehouseCreated', 1, 'Warehouse', "id"::text, 1, "created_at",
  jsonb_build_object('warehouseId', "id", 'name', "name", 'address', NULL, 'capacity', NULL,
    'zones', jsonb_build_array('REGULAR'), 'isDefault', true, 'active', true),
  jsonb_build_object('correlationId', '00000000-0000-7000-8000-0000000000e1', 'causationId', NULL,
    'idempotencyKey', NULL, 'actor', 'migration')
FROM seeded;
