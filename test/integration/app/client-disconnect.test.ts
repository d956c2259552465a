import http from 'node:http';
import request from 'supertest';
import { eventually, holdDatabase, listenApp, type HeldDatabase, type ListeningApp } from '../../helpers/held-app';

describe('a client that hangs up', () => {
  let database: HeldDatabase;
  let app: ListeningApp;
  beforeAll(async () => {
    database = await holdDatabase();
    // A long hold: only the skipped render can give the slot back within the test.
    app = await listenApp({ maxInFlight: 4, abandonedSlotMs: 60_000 });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('when the client disconnects before its page is ready, then the page is not rendered and its slot is given back', async () => {
    const render = jest.spyOn(app.app, 'render');
    const gone = http.get({ port: app.port, path: '/claims' });
    gone.on('error', () => undefined);
    await eventually(() => app.loadShedder.stats().inFlight === 1);
    gone.destroy();
    await eventually(() => app.loadShedder.stats().abandoned === 1);
    // The page's queries run now; the handler reaches its render with nobody to send it to.
    await database.release();
    await eventually(() => app.loadShedder.stats().inFlight === 0);
    expect(render).not.toHaveBeenCalled();

    const served = await request(app.server).get('/claims');
    expect(served.status).toBe(200);
    expect(render).toHaveBeenCalledTimes(1);
    expect(app.loadShedder.stats()).toEqual({ inFlight: 0, shed: 0, abandoned: 1 });
  });
});
