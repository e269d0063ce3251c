import { type Journey, need, op } from "../../harness/journey.ts";
import { CATALOGUE } from "../fixture.ts";

const CREATE = `mutation CreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;

/** Category tree: 3 levels, then a rename, a reorder and the leaf deactivated. */
export const categoryTree = (): Journey => ({
  name: "catalogue.category-tree",
  context: "catalogue",
  steps: [
    ...(["root", "child", "leaf"] as const).map((level, i) =>
      op<{ createCategory: { id: string } }>(
        "CreateCategory",
        CATALOGUE,
        CREATE,
        (c) => ({
          input: {
            name: c.unique(`cat-${level}`),
            parentId: i === 0 ? null : need(c, i === 1 ? "root" : "child"),
            displayOrder: i,
          },
        }),
        (d, c) => {
          c.state[level] = d.createCategory.id;
        },
      ),
    ),
    op(
      "UpdateCategory",
      CATALOGUE,
      `mutation UpdateCategory($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id } }`,
      (c) => ({ id: need(c, "child"), input: { name: c.unique("cat-renamed") } }),
    ),
    op(
      "ReorderCategory",
      CATALOGUE,
      `mutation ReorderCategory($id: ID!, $o: Int!) { reorderCategory(id: $id, displayOrder: $o) { id } }`,
      (c) => ({ id: need(c, "child"), o: 5 }),
    ),
    op(
      "DeactivateCategory",
      CATALOGUE,
      `mutation DeactivateCategory($id: ID!) { deactivateCategory(id: $id) { id } }`,
      (c) => ({
        id: need(c, "leaf"),
      }),
    ),
  ],
});
