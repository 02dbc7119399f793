import { z } from 'zod';

/** DNS-1123 label: these slugs become Kubernetes names (namespaces, labels). */
export const SLUG_RULE =
  'must be a DNS-1123 label: 1–63 characters, lowercase letters, digits and "-", starting and ending with a letter or digit';

export const SlugSchema = z
  .string()
  .min(1, { message: `slug ${SLUG_RULE}` })
  .max(63, { message: `slug ${SLUG_RULE}` })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: `slug ${SLUG_RULE}` });

export const DisplayNameSchema = z.string().trim().min(1, 'name must not be empty').max(200);
export const DescriptionSchema = z.string().max(2000);

export const ErrorDetailSchema = z.object({
  field: z.string().optional(),
  message: z.string(),
  /** For errors inside a document (a pipeline spec): where, 1-based. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  path: z.string().optional(),
});

/** The one error body every API error uses. */
export const ErrorBodySchema = z.object({
  requestId: z.string(),
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z.array(ErrorDetailSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export const PageQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    /** Pass back as `cursor` to get the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  });
}

export const TimestampSchema = z.iso.datetime({ offset: true });
