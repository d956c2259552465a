/**
 * A minimal XML writer for the feeds: elements, attributes and text, nothing else. No CDATA
 * (a `]]>` in a title ends it early) and no way to pass raw markup in, so every string a
 * feed carries can only ever be character data.
 *
 * Why not the `feed` package: it hard-codes Atom titles and summaries as `type="html"` in
 * CDATA and RSS titles in CDATA, with no option to change it, and its XML layer (xml-js)
 * leaves `&` and `<` bare in attribute values and turns a literal "&amp;" in text back
 * into "&". Patching its output would mean parsing XML with regular expressions. A general
 * builder was tried too: xmlbuilder2 4.0.3 leaves `&` unescaped before anything that looks
 * like an entity ("&lt;b&gt;" in a title reads back as <b>, "&nbsp;" makes the feed
 * ill-formed), which only a workaround relying on that very bug could hide. The subset of XML
 * a feed needs is small enough to write here, escaping everything, and check with a real parser.
 */

export interface XmlElement {
  name: string;
  attributes?: Record<string, string>;
  /** Strings are text; they are escaped, whatever they hold. */
  children?: (XmlElement | string)[];
}

/**
 * Characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE/FFFF): one pasted from
 * a word processor (Shift+Enter is U+000B) would make the whole feed ill-formed, and no
 * reference can stand for them either. They become a space.
 */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlSafe(text: string): string {
  return text.replace(XML_FORBIDDEN, ' ');
}

/**
 * Character data for element content and double-quoted attributes. The RSS Best Practices
 * Profile (section "Character Data") finds that hexadecimal references (&#x26; &#x3C; &#x3E;)
 * are the form that the widest range of aggregators reads back as the literal characters in
 * plain-text elements, so they are used everywhere, Atom included: any XML parser decodes
 * them the same way as &amp; &lt; &gt;.
 */
export function escapeXmlText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&#x26;').replace(/</g, '&#x3C;').replace(/>/g, '&#x3E;').replace(/"/g, '&#x22;');
}

export function xmlElement(name: string, attributes: Record<string, string> | undefined, ...children: (XmlElement | string)[]): XmlElement {
  return { name, ...(attributes ? { attributes } : {}), children };
}

function renderElement(element: XmlElement, depth: number): string {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(element.attributes ?? {})
    .map(([name, value]) => ` ${name}="${escapeXmlText(value)}"`)
    .join('');
  const children = element.children ?? [];
  if (children.length === 0) return `${indent}<${element.name}${attributes}/>`;
  // Text is written inline, never indented: whitespace around it would become part of it.
  if (children.every((child) => typeof child === 'string')) {
    return `${indent}<${element.name}${attributes}>${children.map((text) => escapeXmlText(text)).join('')}</${element.name}>`;
  }
  const inner = children.map((child) => (typeof child === 'string' ? escapeXmlText(child) : renderElement(child, depth + 1))).join('\n');
  return `${indent}<${element.name}${attributes}>\n${inner}\n${indent}</${element.name}>`;
}

/** A whole document: the UTF-8 declaration, then the root element. */
export function renderXmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${renderElement(root, 0)}\n`;
}
