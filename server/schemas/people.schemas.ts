import { z } from 'zod';

/** Messages are i18n keys: the form shows them in the site's language. */
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const required = (max: number, key: string) => z.preprocess(trimmed, z.string(key).min(1, key).max(max, 'form.too_long'));
/** An emptied optional field is stored as absent, so clearing a role really clears it. */
const optional = (max: number) =>
  z.preprocess((v) => (trimmed(v) === '' ? undefined : trimmed(v)), z.string('form.invalid').max(max, 'form.too_long').optional());
/** The document's version (__v) when the form was opened: a hidden field, so only a tampered or truncated form gets it wrong. */
const version = z.string('editor.people.version.invalid').regex(/^\d{1,9}$/, 'editor.people.version.invalid').transform(Number);

export const speakerFormSchema = z.object({
  name: required(200, 'editor.speaker.name.required'),
  role: optional(200),
  organisation: optional(200),
});
export type SpeakerForm = z.infer<typeof speakerFormSchema>;
export const speakerEditSchema = speakerFormSchema.extend({ version });
export type SpeakerEditForm = z.infer<typeof speakerEditSchema>;

export const topicFormSchema = z.object({
  name: required(120, 'editor.topic.name.required'),
});
export type TopicForm = z.infer<typeof topicFormSchema>;
export const topicEditSchema = topicFormSchema.extend({ version });
export type TopicEditForm = z.infer<typeof topicEditSchema>;
