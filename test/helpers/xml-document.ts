import { parseStringPromise } from 'xml2js';

/**
 * An XML element as xml2js gives it back: attributes under `$`, text under `_` (or the
 * element is a bare string when it has neither attributes nor children), and each child
 * name mapped to an array of elements.
 */
export type XmlNode = string | { $?: Record<string, string>; _?: string; [child: string]: unknown };

/**
 * Reads XML with a real, strict parser (the one the feed tests read feeds with), so a test
 * fails on ill-formed output rather than on a string it happened to match. Returns the root.
 */
export async function parseXmlDocument(xml: string, rootName: string): Promise<XmlNode> {
  const doc = (await parseStringPromise(xml)) as Record<string, XmlNode>;
  expect(Object.keys(doc)).toEqual([rootName]);
  return doc[rootName]!;
}

/** The child elements called `name` (none when the parent is bare text or has none). */
export function childrenOf(node: XmlNode, name: string): XmlNode[] {
  return typeof node === 'string' ? [] : ((node[name] as XmlNode[] | undefined) ?? []);
}

/** The text of an element. */
export function textOf(node: XmlNode): string {
  return typeof node === 'string' ? node : (node._ ?? '');
}
