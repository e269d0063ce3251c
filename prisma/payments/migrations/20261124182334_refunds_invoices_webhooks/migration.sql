-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('REQUESTED', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'ISSUED', 'PAID', 'VOIDED');

-- AlterTable
ALTER TABLE "payment" ADD COLUMN     "captured" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "refund_reserved" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "request_fingerprint" VARCHAR(64) NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "refund" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'REQUESTED',
    "reason" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice" (
    "id" UUID NOT NULL,
    "number" VARCHAR(12) NOT NULL,
    "order_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "lines" JSONB NOT NULL,
    "tax_rate_bps" INTEGER NOT NULL,
    "subtotal" INTEGER NOT NULL,
    "tax" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_webhook" (
    "id" VARCHAR(100) NOT NULL,
    "type" VARCHAR(50) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_webhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "refund_payment_id_idx" ON "refund"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_number_key" ON "invoice"("number");

-- CreateIndex
CREATE INDEX "invoice_order_id_idx" ON "invoice"("order_id");

-- AddForeignKey
ALTER TABLE "refund" ADD CONSTRAINT "refund_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Money invariants the database enforces whatever the code does (hand-written).
ALTER TABLE "payment"
  ADD CONSTRAINT "payment_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "payment_attempts_range" CHECK ("attempts" BETWEEN 1 AND 3),
  ADD CONSTRAINT "payment_captured_range" CHECK ("captured" >= 0 AND "captured" <= "amount"),
  ADD CONSTRAINT "payment_refunds_within_captured" CHECK ("refund_reserved" >= 0 AND "refund_reserved" <= "captured");
ALTER TABLE "refund" ADD CONSTRAINT "refund_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "invoice"
  ADD CONSTRAINT "invoice_number_format" CHECK ("number" ~ '^INV-[0-9A-F]{8}$'),
  ADD CONSTRAINT "invoice_totals" CHECK ("subtotal" >= 0 AND "tax" >= 0 AND "total" = "subtotal" + "tax");
-- At most one invoice per order that is not voided.
CREATE UNIQUE INDEX "invoice_one_open_per_order" ON "invoice" ("order_id") WHERE "status" <> 'VOIDED';
