import Parser from 'rss-parser';

/** Items as rss-parser gives them, plus each text element's raw node, attributes and children kept. */
export interface RawFeedItem extends Parser.Item {
  rawTitle: unknown[];
  rawSummary?: unknown[];
  rawDescription?: unknown[];
}

/**
 * A real feed parser (rss-parser, on xml2js) that also keeps the raw nodes of titles,
 * summaries and descriptions, so a test can see whether a reader would find elements there.
 */
export const rawFeedParser = new Parser<{ rawTitle?: unknown[] }, RawFeedItem>({
  customFields: {
    // rss-parser's types only know plain names for feed fields; the renaming form works for both.
    feed: [['title', 'rawTitle', { keepArray: true }] as unknown as 'rawTitle'],
    item: [
      ['title', 'rawTitle', { keepArray: true }],
      ['summary', 'rawSummary', { keepArray: true }],
      ['description', 'rawDescription', { keepArray: true }],
    ],
  },
});

/**
 * The text of one raw node, failing the test if the node holds any child element (markup a
 * reader would build) or a `type` other than the expected one. xml2js gives a string for bare
 * text, `{ _, $ }` for text with attributes, and other keys only for child elements.
 */
export function plainTextOf(node: unknown, expectedType?: string): string {
  if (typeof node === 'string') {
    expect(expectedType).toBeUndefined();
    return node;
  }
  const { _: text, $: attributes, ...elements } = node as { _?: string; $?: Record<string, string> };
  expect(Object.keys(elements)).toEqual([]);
  expect(attributes?.type).toBe(expectedType);
  return text ?? '';
}
