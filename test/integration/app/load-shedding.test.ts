import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { eventually, holdDatabase, listenApp, type HeldDatabase, type ListeningApp } from '../../helpers/held-app';

describe('load shedding', () => {
  let database: HeldDatabase;
  const apps: ListeningApp[] = [];
  beforeAll(async () => {
    database = await holdDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database.close();
  });
  async function listen(...args: Parameters<typeof listenApp>) {
    const app = await listenApp(...args);
    apps.push(app);
    return app;
  }

  it('when the cap of requests in flight is reached, then more requests get a 503 with Retry-After at once in the UI language, health checks still answer, and new requests succeed once the held ones finish', async () => {
    const fr = await listen({ maxInFlight: 2, retryAfterSeconds: 3 });
    const en = await listen({ maxInFlight: 1 }, { SITE_LOCALE: 'en' });
    const agent = request(fr.server);
    const held = [agent.get('/claims').then((res) => res), agent.get('/').then((res) => res), request(en.server).get('/').then((res) => res)];
    await eventually(() => fr.loadShedder.stats().inFlight === 2 && en.loadShedder.stats().inFlight === 1);

    const started = Date.now();
    const page = await agent.get('/claims?page=2');
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('3');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('<h1>Service indisponible</h1>');
    const api = await agent.get('/api/v1/claims');
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toBe('3');
    expect(api.type).toBe('application/json');
    expect(api.body.error).toMatchObject({ status: 503, requestId: api.headers['x-request-id'] });
    const english = await request(en.server).get('/claims');
    expect(english.status).toBe(503);
    expect(english.headers['retry-after']).toBe('1');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('<h1>Service unavailable</h1>');
    // Refused at once, not queued behind the held requests.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fr.loadShedder.stats()).toEqual({ inFlight: 2, shed: 2, abandoned: 0 });

    for (const path of ['/healthz', '/readyz']) {
      const health = await agent.get(path);
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
    }

    await database.release();
    const answers = await Promise.all(held);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(fr.loadShedder.stats().inFlight).toBe(0);
    // The pages now read the connected database: a claim stored there is counted.
    await ClaimModel.collection.insertOne({ slug: 'shedding-check', deleted: false });
    expect(await ClaimModel.countDocuments({ slug: 'shedding-check' })).toBe(1);
    const after = await agent.get('/claims');
    expect(after.status).toBe(200);
    expect(fr.loadShedder.stats()).toEqual({ inFlight: 0, shed: 2, abandoned: 0 });
  });
});
