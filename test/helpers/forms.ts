/** The HTML entities Handlebars writes in attribute values and text, decoded back. */
export const decodeEntities = (text: string) =>
  text.replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every field of a form page as a browser would submit it unchanged (text inputs, textareas, selects, radios, ticked boxes). */
export function formFields(html: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const m of html.matchAll(/<input type="(?:text|url|hidden)" name="(\w+)" value="([^"]*)"/g)) fields[m[1]!] = decodeEntities(m[2]!);
  for (const m of html.matchAll(/<input type="checkbox" name="(\w+)"(?! value=)[^>]* checked/g)) fields[m[1]!] = 'on';
  // Radios (the claim's kind) send the checked one's value; checkboxes with a value (topics) are a list.
  for (const m of html.matchAll(/<input type="radio" name="(\w+)" value="([^"]*)"[^>]* checked/g)) fields[m[1]!] = decodeEntities(m[2]!);
  for (const m of html.matchAll(/<input type="checkbox" name="(\w+)" value="([^"]*)"([^>]*)>/g)) {
    const list = Array.isArray(fields[m[1]!]) ? (fields[m[1]!] as string[]) : [];
    if (/ checked/.test(m[3]!)) list.push(decodeEntities(m[2]!));
    fields[m[1]!] = list;
  }
  for (const m of html.matchAll(/<textarea name="(\w+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = decodeEntities(m[2]!);
  for (const m of html.matchAll(/<select name="(\w+)"( multiple)?[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = [...m[3]!.matchAll(/<option value="([^"]*)" selected>/g)].map((o) => decodeEntities(o[1]!));
    fields[m[1]!] = m[2] ? chosen : (chosen[0] ?? '');
  }
  return fields;
}
