/**
 * Text made safe for XML and HTML, in element content and in quoted attributes alike. The
 * apostrophe is a numeric reference, which XML, HTML and every feed reader understand.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
