-- CreateTable
CREATE TABLE "order_owners" (
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,

    CONSTRAINT "order_owners_pkey" PRIMARY KEY ("order_id")
);
