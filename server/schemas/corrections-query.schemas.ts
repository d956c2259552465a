import { claimListQuerySchema } from './claims-query.schemas';

/** The corrections page's only parameter: the claims list's page, as strict (see claims-query.schemas.ts). */
export const correctionsQuerySchema = claimListQuerySchema.pick({ page: true });
