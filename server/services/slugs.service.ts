import { trusted, type Model } from 'mongoose';
import { AppError } from '../errors';

const MAX_SUFFIX = 1000;
const SLUG_MAX = 80;

/** "Le « pass » à 182 000 !" → "le-pass-a-182-000". */
export function slugFromTitle(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return slug === '' ? 'declaration' : slug;
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * Creates a document under `base`, or `base-2`, `base-3` … if taken. Inserted rather than
 * upserted, so a name that clashes never overwrites another document: the unique slug index
 * refuses the insert (even in a race with another editor) and the next suffix is tried.
 */
export async function createUnderFreeSlug<T>(
  model: Pick<Model<{ slug: string }>, 'find'>,
  base: string,
  create: (slug: string) => Promise<T>,
): Promise<T> {
  // `base` goes into a regex below: only slugs made by slugFromTitle ([a-z0-9-]) are accepted.
  if (!/^[a-z0-9-]+$/.test(base)) throw new AppError({ code: 'INTERNAL', message: `Not a slug: "${base}"` });
  // The connection sets sanitizeFilter, so the operator is marked trusted().
  const existing = await model.find({ slug: trusted({ $regex: `^${base}(-\\d+)?$` }) }, { slug: 1 }).lean();
  const taken = new Set(existing.map((doc) => doc.slug));
  for (let n = 1; n < MAX_SUFFIX; n += 1) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (taken.has(slug)) continue;
    try {
      return await create(slug);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new AppError({ code: 'CONFLICT', message: `No free slug for "${base}"` });
}
