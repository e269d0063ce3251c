import { describe, expect, it } from "vitest";
import { nextMigrationFolderName, slugifyMigrationName } from "./migrations-dir.ts";

describe("migration folder names", () => {
  const now = new Date("2026-03-04T05:06:07.890Z");

  it("uses the UTC time and a slug of the name, as Prisma Migrate does", () => {
    expect(nextMigrationFolderName([], "Add customer phone!", now)).toBe(
      "20260304050607_add_customer_phone",
    );
    expect(() => slugifyMigrationName("  !! ")).toThrow(/Invalid migration name/);
  });

  it("always sorts after the newest existing migration", () => {
    expect(nextMigrationFolderName(["20260304050607_init"], "next", now)).toBe(
      "20260304050608_next",
    );
    expect(nextMigrationFolderName(["20261231235959_future"], "next", now)).toBe(
      "20270101000000_next",
    );
    expect(nextMigrationFolderName(["20200101000000_old"], "next", now)).toBe(
      "20260304050607_next",
    );
  });
});
