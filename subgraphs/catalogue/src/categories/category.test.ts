import { codeOf, domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  type Category,
  createCategory,
  deactivateCategory,
  MAX_CATEGORY_DEPTH,
  reorderCategory,
  updateCategory,
} from "./category.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
/** The fields a decision's VALIDATION_FAILED names, in order. */
const invalidFields = (fn: () => unknown) => fieldsOf(domainError(fn, "VALIDATION_FAILED"));
const id = (n: number) => `01900000-0000-7000-8000-0000000000${String(n).padStart(2, "0")}`;

function chain(depth: number): Category[] {
  const out: Category[] = [];
  for (let d = 1; d <= depth; d++) {
    const parent = out.at(-1) ?? null;
    out.push(
      createCategory({ name: `L${d}`, parentId: parent?.id ?? null }, parent, id(d), now).state,
    );
  }
  return out;
}

describe("category depth", () => {
  it.each([
    [0, 1],
    [1, 2],
    [2, 3],
  ])("under a parent at depth %i the child is at depth %i", (parentDepth, depth) => {
    const parent = chain(parentDepth).at(-1) ?? null;
    const { state, events } = createCategory(
      { name: "Child", parentId: parent?.id ?? null },
      parent,
      id(50),
      now,
    );
    expect(state.depth).toBe(depth);
    expect(events[0]).toMatchObject({
      type: "CategoryCreated",
      aggregateType: "Category",
      aggregateVersion: 1,
      payload: {
        categoryId: id(50),
        parentId: parent?.id ?? null,
        depth,
        displayOrder: 0,
        active: true,
      },
    });
  });

  it(`rejects a level below ${MAX_CATEGORY_DEPTH}, naming parentId`, () => {
    const parent = chain(3).at(-1) as Category;
    const error = domainError(() =>
      createCategory({ name: "Too deep", parentId: parent.id }, parent, id(50), now),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.extensions.fields).toEqual([
      { field: "parentId", message: expect.stringMatching(/3 levels/) },
    ]);
  });

  it.each<[string, Category | null, string]>([
    ["missing parent", null, "does not exist"],
    ["deactivated parent", { ...chain(1)[0]!, active: false }, "deactivated"],
  ])("rejects a %s", (_, parent, message) => {
    const error = domainError(() =>
      createCategory({ name: "X", parentId: id(1) }, parent, id(50), now),
    );
    expect(error.extensions.fields).toEqual([
      { field: "parentId", message: expect.stringMatching(message) },
    ]);
  });

  it.each([
    ["", ["name"]],
    ["n".repeat(101), ["name"]],
  ])("rejects name %j", (name, fields) => {
    expect(invalidFields(() => createCategory({ name }, null, id(50), now))).toEqual(fields);
  });

  it("rejects a negative display order", () => {
    expect(
      invalidFields(() => createCategory({ name: "A", displayOrder: -1 }, null, id(50), now)),
    ).toEqual(["displayOrder"]);
  });
});

describe("updateCategory", () => {
  it("renames, recording previous and new", () => {
    const [root] = chain(1);
    const { state, events } = updateCategory(
      root!,
      { name: "Clothes" },
      { newParent: undefined, hasChildren: true },
      now,
    );
    expect(state).toMatchObject({ name: "Clothes", version: 2 });
    expect(events[0]?.payload).toEqual({
      categoryId: root!.id,
      changes: { name: { previous: "L1", value: "Clothes" } },
    });
  });

  it("moves a leaf under a new parent and recomputes its depth", () => {
    const [a, b] = chain(2);
    const other = createCategory({ name: "Other" }, null, id(60), now).state;
    const { state, events } = updateCategory(
      b!,
      { parentId: other.id },
      { newParent: other, hasChildren: false },
      now,
    );
    expect(state).toMatchObject({ parentId: other.id, depth: 2 });
    expect(events[0]?.payload).toMatchObject({
      changes: { parentId: { previous: a!.id, value: other.id } },
    });
  });

  /** Moving `category` under `parentId`, as the command found the new parent and its children. */
  const move =
    (category: Category, parentId: string, newParent: Category, hasChildren: boolean) => () =>
      updateCategory(category, { parentId }, { newParent, hasChildren }, now);

  it.each<[string, () => ReturnType<typeof updateCategory>]>([
    ["a category with subcategories", move(chain(2)[0]!, id(60), chain(1)[0]!, true)],
    ["under itself", move(chain(1)[0]!, id(1), chain(1)[0]!, false)],
    [
      "below the third level",
      move(createCategory({ name: "Leaf" }, null, id(70), now).state, id(3), chain(3)[2]!, false),
    ],
  ])("rejects moving %s", (_, act) => {
    expect(invalidFields(act)).toEqual(["parentId"]);
  });
});

describe("reorder and deactivate", () => {
  it("reorders with previous and new position; the same position changes nothing", () => {
    const [root] = chain(1);
    const { state, events } = reorderCategory(root!, 5, now);
    expect(state).toMatchObject({ displayOrder: 5, version: 2 });
    expect(events[0]).toMatchObject({
      type: "CategoryReordered",
      payload: { previousDisplayOrder: 0, displayOrder: 5 },
    });
    expect(reorderCategory(root!, 0, now).events).toEqual([]);
  });

  it("deactivates once; a second deactivation is INVALID_STATE_TRANSITION", () => {
    const [root] = chain(1);
    const { state, events } = deactivateCategory(root!, now);
    expect(state).toMatchObject({ active: false, version: 2 });
    expect(events[0]).toMatchObject({ type: "CategoryDeactivated", aggregateVersion: 2 });
    expect(codeOf(() => deactivateCategory(state, now))).toBe("INVALID_STATE_TRANSITION");
  });
});
