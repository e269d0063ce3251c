-- CreateTable
CREATE TABLE "consumer_checkpoint" (
    "consumer" VARCHAR(100) NOT NULL,
    "aggregate_type" VARCHAR(100) NOT NULL,
    "aggregate_id" VARCHAR(100) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_checkpoint_pkey" PRIMARY KEY ("consumer","aggregate_type","aggregate_id")
);

-- Outbox relay wake-up (hand-written; Prisma does not model triggers). NOTIFY is delivered at
-- commit, once per inserting statement; the relay polls too, so a lost notification only delays.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('outbox_inserted', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER outbox_notify AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The relay scans unpublished rows in position order; keep that scan small however large the
-- outbox grows before the retention job deletes published rows.
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("position") WHERE "published_at" IS NULL;
