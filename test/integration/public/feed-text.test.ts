import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { createTestAccount, csrfToken, logIn } from '../../helpers/accounts';
import { plainTextOf, rawFeedParser } from '../../helpers/feed-text';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

/*
 * Issue 12, item 5: a claim titled like an XSS probe reaches every feed reader as those
 * characters, never as markup, through the real editor form and the real feed routes.
 */

const HOSTILE_TITLE = 'a<img src=x onerror=alert(1)> & ]]> <b>gras</b>';
const HOSTILE_TOPIC = 'Thème <script>alert(2)</script>';

let seeded: SeededApp;
let slug: string;
let topicSlug: string;

beforeAll(async () => {
  seeded = await startSeededApp();
  const admin = await logIn(seeded.app, await createTestAccount('admin'));
  const token = await csrfToken(admin, '/editor/claims/new');
  const [speaker, topic] = await Promise.all([SpeakerModel.findOne().lean(), TopicModel.findOne().lean()]);
  await TopicModel.updateOne({ _id: topic!._id }, { $set: { name: HOSTILE_TOPIC } });
  topicSlug = topic!.slug;
  await admin
    .post('/editor/claims/new')
    .type('form')
    .send({
      _csrf: token, title: HOSTILE_TITLE, statement: 'Une déclaration hostile.', statementVerbatim: 'on', speaker: String(speaker!._id), speakerRole: 'ministre', saidAt: '20/12/2021',
      topics: [String(topic!._id)], kind: 'count', value: '1 000', unit: 'choses', definition: 'choses comptées',
      sourceOutlet: 'Le Monde', sourceTitle: 'Un article', sourceUrl: 'https://example.org/a', sourcePublishedAt: '21/12/2021',
    })
    .expect(303);
  const claim = (await ClaimModel.findOne({ title: HOSTILE_TITLE }).lean())!;
  slug = claim.slug;
  await admin.post(`/editor/claims/${String(claim._id)}/publish`).type('form').send({ _csrf: token }).expect(303);
});
afterAll(async () => {
  await seeded.close();
});

async function readRaw(path: string) {
  const res = await request(seeded.app).get(path).expect(200);
  return rawFeedParser.parseString(res.text);
}

describe('feeds carry text, never markup', () => {
  it('when a claim titled with markup is read as RSS, then every item title is that literal text, no title holds an element, and descriptions escape it', async () => {
    const feed = await readRaw(`/claims/${slug}/feed.xml`);
    expect(feed.items.length).toBeGreaterThan(0);
    for (const item of feed.items) {
      const title = item.rawTitle.map((node) => plainTextOf(node)).join('');
      expect(title).toContain(HOSTILE_TITLE);
      expect(item.title).toBe(title);
      const description = item.rawDescription!.map((node) => plainTextOf(node)).join('');
      // HTML by convention: only the feed's own <p>, the claim's text entity-encoded once.
      expect(description.replace(/<\/?p>/g, '')).not.toMatch(/[<>]/);
    }
    expect((await ClaimModel.findOne({ slug }).lean())!.title).toBe(HOSTILE_TITLE);
  });

  it('when the same claim is read as Atom, then the feed, item titles and summaries say type="text" and read back as the literal text', async () => {
    const feed = await readRaw(`/claims/${slug}/feed.atom`);
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.rawTitle!.map((node) => plainTextOf(node, 'text')).join('')).toContain(HOSTILE_TITLE);
    for (const item of feed.items) {
      expect(item.rawTitle.map((node) => plainTextOf(node, 'text')).join('')).toContain(HOSTILE_TITLE);
      expect(item.rawSummary!.map((node) => plainTextOf(node, 'text')).join('')).not.toBe('');
    }
  });

  it('when the claim’s topic feed is read, then a topic name with markup is the literal channel title in RSS and Atom', async () => {
    for (const extension of ['xml', 'atom'] as const) {
      const feed = await readRaw(`/topics/${topicSlug}/feed.${extension}`);
      expect([extension, feed.title]).toEqual([extension, expect.stringContaining(HOSTILE_TOPIC) as string]);
      expect(feed.rawTitle!.map((node) => plainTextOf(node, extension === 'atom' ? 'text' : undefined)).join('')).toBe(feed.title);
      expect(feed.items.some((item) => item.title!.includes(HOSTILE_TITLE))).toBe(true);
    }
  });

  it('when the same claim is read as JSON Feed, then its titles are the literal text and content_html shows it escaped', async () => {
    const res = await request(seeded.app).get(`/claims/${slug}/feed.json`).expect(200);
    const json = JSON.parse(res.text) as { items: { title: string; content_html: string; content_text: string }[] };
    expect(json.items.length).toBeGreaterThan(0);
    for (const item of json.items) {
      expect(item.title).toContain(HOSTILE_TITLE);
      expect(item.content_html.replace(/<\/?p>/g, '')).not.toMatch(/[<>]/);
    }
  });
});
