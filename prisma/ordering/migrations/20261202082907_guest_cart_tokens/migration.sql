-- AlterTable
ALTER TABLE "cart" ADD COLUMN     "guest_token_hash" CHAR(64);
