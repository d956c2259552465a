import { claimListQuerySchema } from './claims-query.schemas';

/** The /speakers and /topics query string: the claims list's page parameter, nothing else. */
export const profileIndexQuerySchema = claimListQuerySchema.pick({ page: true });
