import { z } from 'zod';
// An emptied optional field is stored as absent, so clearing a role really clears it.
import { SPEAKER_KINDS } from '../../models/speaker.model';
import { cleanText, optional, required } from './form-fields';
/** The document's version (__v) when the form was opened: a hidden field, so only a tampered or truncated form gets it wrong. */
const version = z.string('editor.people.version.invalid').regex(/^\d{1,9}$/, 'editor.people.version.invalid').transform(Number);

export const speakerFormSchema = z.object({
  name: required(200, 'editor.speaker.name.required'),
  role: optional(200),
  organisation: optional(200),
  // Who is speaking decides how ClaimReview names them; unset is read as a person.
  kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SPEAKER_KINDS, 'editor.speaker.kind.invalid').optional()),
  // Pages that identify the speaker (ClaimReview's sameAs), separated by spaces.
  sameAs: z.preprocess(
    (v) => {
      const text = cleanText(v);
      return typeof text === 'string' ? text.split(/\s+/).filter((url) => url !== '') : text === undefined ? [] : text;
    },
    z.array(z.string().max(2000, 'form.too_long').regex(/^https?:\/\/\S+$/, 'form.url.invalid'), 'form.url.invalid').max(10, 'form.too_long'),
  ),
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
