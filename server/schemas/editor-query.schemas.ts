import { z } from 'zod';

const OBJECT_ID = /^[0-9a-f]{24}$/i;
/** A choice that is not an id is ignored, not refused: the form simply opens with nothing chosen. */
const optionalId = z.string().regex(OBJECT_ID).optional().catch(undefined);

/**
 * `?for=claim` on a speaker or topic creation form: the one place it may return to. A fixed
 * value, never an address, so the form cannot be made to redirect anywhere else.
 */
export const directoryQuerySchema = z.object({ for: z.enum(['claim']).optional().catch(undefined) });

/** A fresh claim form with a speaker or a topic already chosen (just created from it). */
export const newClaimQuerySchema = z.object({ speaker: optionalId, topic: optionalId });
