import { model, Schema, type HydratedDocument, type InferSchemaType } from 'mongoose';

export const USER_ROLES = ['admin', 'editor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const userSchema = new Schema(
  {
    email: { type: String, required: true, trim: true, lowercase: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    role: { type: String, required: true, enum: USER_ROLES },
    /** argon2id (PHC string, parameters included). Never selected unless asked for. */
    passwordHash: { type: String, required: true, select: false },
    /** A disabled account cannot log in, and disabling it ends its sessions. */
    disabled: { type: Boolean, required: true, default: false },
  },
  { timestamps: true },
);
userSchema.index({ email: 1 }, { unique: true });

export type User = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<User>;
export const UserModel = model('User', userSchema);
