import { DomainError } from "@shopstream/errors";
import {
  cleanText,
  collect,
  optionalText,
  type Problem,
  requiredText,
  throwIfAny,
} from "@shopstream/rules";
import { nextVersion } from "../shared/decision.ts";
import {
  assertEditable,
  type Product,
  type ProductDecision,
  type ProductImage,
  productDecision,
} from "./product.ts";

/** Image rules of the Product aggregate: at most 10, exactly one primary when any exist. */

export const MAX_IMAGES = 10;
const URL_MAX = 2048;

export interface AddProductImageCommand {
  url: string;
  altText?: string | null;
  /** Make this the primary image (the first image is primary whatever this says). */
  isPrimary?: boolean | null;
}

/** Required, ≤2048 characters after trimming, an absolute http or https URL. */
export function imageUrlProblem(url: string | null | undefined): Problem {
  const text = requiredText(url, URL_MAX);
  if (text) return text;
  let parsed: URL;
  try {
    parsed = new URL(cleanText(url) ?? "");
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return "must be an absolute http(s) URL";
  return null;
}

/** Renumbers positions 0…n-1 in list order. */
const renumber = (images: ProductImage[]) => images.map((img, position) => ({ ...img, position }));

const primaryId = (images: ProductImage[]) => images.find((i) => i.isPrimary)?.id ?? null;

/** What both image events report about the images after the change. */
const imagesNow = (images: ProductImage[]) => ({
  primaryImageId: primaryId(images),
  imageCount: images.length,
});

/** Appends an image. The first image becomes primary; `isPrimary` moves the primary to it. */
export function addProductImage(
  product: Product,
  command: AddProductImageCommand,
  imageId: string,
  now: Date,
): ProductDecision {
  assertEditable(product, "add an image to");
  const problems = collect([
    ["url", imageUrlProblem(command.url)],
    ["altText", optionalText(command.altText, 255)],
  ]);
  if (product.images.length >= MAX_IMAGES)
    problems.push({ field: "images", message: `a product has at most ${MAX_IMAGES} images` });
  throwIfAny(problems);

  const isPrimary = product.images.length === 0 || command.isPrimary === true;
  const image: ProductImage = {
    id: imageId,
    url: command.url.trim(),
    altText: cleanText(command.altText),
    isPrimary,
    position: product.images.length,
    createdAt: now.toISOString(),
  };
  const images = [
    ...product.images.map((i) => (isPrimary ? { ...i, isPrimary: false } : i)),
    image,
  ];
  const state = nextVersion(product, { images }, now);
  return productDecision(state, "ProductImageAdded", {
    productId: product.id,
    imageId,
    url: image.url,
    altText: image.altText,
    isPrimary,
    position: image.position,
    previousPrimaryImageId: primaryId(product.images),
    ...imagesNow(images),
  });
}

/** Removes an image; removing the primary promotes the first remaining image. */
export function removeProductImage(product: Product, imageId: string, now: Date): ProductDecision {
  assertEditable(product, "remove an image from");
  const removed = product.images.find((i) => i.id === imageId);
  if (!removed) throw DomainError.notFound("ProductImage", imageId);
  let images = renumber(product.images.filter((i) => i.id !== imageId));
  let promotedImageId: string | null = null;
  const first = images[0];
  if (removed.isPrimary && first) {
    promotedImageId = first.id;
    images = images.map((i) => (i.id === first.id ? { ...i, isPrimary: true } : i));
  }
  const state = nextVersion(product, { images }, now);
  return productDecision(state, "ProductImageRemoved", {
    productId: product.id,
    imageId,
    url: removed.url,
    wasPrimary: removed.isPrimary,
    promotedImageId,
    ...imagesNow(images),
  });
}
