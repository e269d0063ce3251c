-- CreateEnum
CREATE TYPE "OrderStockStatus" AS ENUM ('RESERVED', 'SHORTAGE', 'CONFIRMED', 'PARTIALLY_COMMITTED', 'COMMITTED', 'RELEASED');

-- CreateTable
CREATE TABLE "order_stock" (
    "order_id" UUID NOT NULL,
    "status" "OrderStockStatus" NOT NULL,
    "lines" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_stock_pkey" PRIMARY KEY ("order_id")
);

ALTER TABLE "order_stock" ADD CONSTRAINT "order_stock_version_positive" CHECK ("version" >= 1);
