import { model, Schema } from 'mongoose';

/** The collection connect-mongo keeps sessions in (see server/middleware/session.ts). */
export const SESSIONS_COLLECTION = 'sessions';

/**
 * connect-mongo owns these documents; this model exists so services can end a user's
 * sessions. `session.userId` must be declared: with strictQuery on, an undeclared path
 * would be dropped from the filter and `deleteMany` would end everyone's sessions.
 */
const sessionSchema = new Schema(
  {
    _id: { type: String },
    expires: { type: Date },
    session: { userId: { type: String } },
  },
  { collection: SESSIONS_COLLECTION, strict: false, versionKey: false, autoIndex: false },
);

export const SessionModel = model('Session', sessionSchema);
