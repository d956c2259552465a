import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { UpdateModel } from '../../../models/update.model';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

/*
 * Feeds read the claim's public state from its updates: every editor action that changes it
 * must carry it to them, or a feed would keep an unpublished claim or miss a moved one.
 */

let seeded: SeededApp;
let admin: Agent;
let token: string;

beforeAll(async () => {
  mongoose.set('sanitizeFilter', true);
  seeded = await startSeededApp();
  admin = await logIn(seeded.app, await createTestAccount('admin'));
  token = await csrfToken(admin, '/editor/claims/new');
});
afterAll(async () => {
  await seeded.close();
});

async function newPublishedClaim(title: string, speaker: string, topic: string): Promise<string> {
  await admin
    .post('/editor/claims/new')
    .type('form')
    .send({
      _csrf: token, title, statement: `${title}, dit-on.`, statementVerbatim: 'on', speaker, speakerRole: 'ministre', saidAt: '20/12/2021', topics: [topic],
      kind: 'count', value: '1 000', unit: 'choses', definition: 'choses comptées', sourceOutlet: 'Le Monde', sourceTitle: 'Un article', sourceUrl: 'https://example.org/a', sourcePublishedAt: '21/12/2021',
    })
    .expect(303);
  const id = String((await ClaimModel.findOne({ title }).lean())!._id);
  await admin.post(`/editor/claims/${id}/publish`).type('form').send({ _csrf: token }).expect(303);
  return id;
}

async function feedText(path: string): Promise<string> {
  return (await request(seeded.app).get(path).expect(200)).text;
}

describe('feeds follow the claim’s public state', () => {
  it('when a claim is unpublished, then its updates leave the site feed, and come back when it is republished', async () => {
    const [speaker, topic] = await Promise.all([SpeakerModel.findOne().lean(), TopicModel.findOne().lean()]);
    const id = await newPublishedClaim('Une déclaration à dépublier', String(speaker!._id), String(topic!._id));
    expect(await feedText('/feed.xml')).toContain('Une déclaration à dépublier');

    await admin.post(`/editor/claims/${id}/unpublish`).type('form').send({ _csrf: token }).expect(303);
    expect(await feedText('/feed.xml')).not.toContain('Une déclaration à dépublier');
    expect(await feedText(`/topics/${topic!.slug}/feed.xml`)).not.toContain('Une déclaration à dépublier');
    expect(await UpdateModel.countDocuments({ claim: id, public: true })).toBe(0);

    await admin.post(`/editor/claims/${id}/publish`).type('form').send({ _csrf: token }).expect(303);
    expect(await UpdateModel.countDocuments({ claim: id, public: false })).toBe(0);
    expect(await feedText('/feed.xml')).toContain('Une déclaration à dépublier');
  });

  it('when a claim’s topic and speaker change, then its updates move between topic and speaker feeds, and the menus’ counts follow', async () => {
    const [speakerA, speakerB] = await SpeakerModel.find().sort({ slug: 1 }).limit(2).lean();
    const [topicA, topicB] = await TopicModel.find().sort({ slug: 1 }).limit(2).lean();
    const id = await newPublishedClaim('Une déclaration qui change de thème', String(speakerA!._id), String(topicA!._id));
    expect(await feedText(`/topics/${topicA!.slug}/feed.xml`)).toContain('Une déclaration qui change de thème');
    const countsBefore = (await TopicModel.findById(topicB!._id).lean())!.publishedClaims;
    const claim = await ClaimModel.findById(id).lean();

    await admin
      .post(`/editor/claims/${id}/edit`)
      .type('form')
      .send({
        _csrf: token, version: String(claim!.__v), title: claim!.title, statement: claim!.statement, statementVerbatim: 'on', speaker: String(speakerB!._id), speakerRole: 'ministre',
        saidAt: '20/12/2021', topics: [String(topicB!._id)], kind: 'count', value: '1 000', unit: 'choses', definition: 'choses comptées',
        sourceOutlet: 'Le Monde', sourceTitle: 'Un article', sourceUrl: 'https://example.org/a', sourcePublishedAt: '21/12/2021',
      })
      .expect(303);
    expect(await feedText(`/topics/${topicA!.slug}/feed.xml`)).not.toContain('Une déclaration qui change de thème');
    expect(await feedText(`/topics/${topicB!.slug}/feed.xml`)).toContain('Une déclaration qui change de thème');
    expect(await feedText(`/speakers/${speakerA!.slug}/feed.xml`)).not.toContain('Une déclaration qui change de thème');
    expect(await feedText(`/speakers/${speakerB!.slug}/feed.xml`)).toContain('Une déclaration qui change de thème');
    expect((await TopicModel.findById(topicB!._id).lean())!.publishedClaims).toBe((countsBefore ?? 0) + 1);
    expect((await TopicModel.findById(topicB!._id).lean())!.publishedClaims).toBe(await ClaimModel.countDocuments({ status: 'published', topics: topicB!._id }));
  });

  it('when a claim is soft deleted, then its updates leave every feed and the list’s total drops', async () => {
    const [speaker, topic] = await Promise.all([SpeakerModel.findOne().lean(), TopicModel.findOne().lean()]);
    const id = await newPublishedClaim('Une déclaration à supprimer', String(speaker!._id), String(topic!._id));
    const totalBefore = (await request(seeded.app).get('/api/v1/claims').expect(200)).body.pagination.total as number;
    expect(await feedText(`/speakers/${speaker!.slug}/feed.xml`)).toContain('Une déclaration à supprimer');

    await admin.post(`/editor/claims/${id}/delete`).type('form').send({ _csrf: token }).expect(303);
    expect(await feedText('/feed.xml')).not.toContain('Une déclaration à supprimer');
    expect(await feedText(`/speakers/${speaker!.slug}/feed.xml`)).not.toContain('Une déclaration à supprimer');
    expect((await request(seeded.app).get('/api/v1/claims').expect(200)).body.pagination.total).toBe(totalBefore - 1);
    expect(await ClaimModel.countDocuments({ status: 'published' })).toBe(totalBefore - 1);
  });
});
