-- CreateTable
CREATE TABLE "cancelled_order" (
    "order_id" UUID NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cancelled_order_pkey" PRIMARY KEY ("order_id")
);
