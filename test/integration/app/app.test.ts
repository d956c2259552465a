import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../../server/app';
import { silentLogger, testConfig } from '../../helpers/app';

const config = testConfig();

describe('app foundation', () => {
  beforeAll(async () => {
    await mongoose.connect(process.env.MONGODB_URI as string, { dbName: `ecart_app_${process.env.JEST_WORKER_ID ?? '0'}` });
  });
  afterAll(async () => {
    await mongoose.disconnect();
  });

  const realPing = async () => (await mongoose.connection.db!.admin().ping()).ok === 1;

  it('when /healthz is asked, then it answers 200 without touching the database', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: () => Promise.reject(new Error('down')) } });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when the database answers a ping, then /readyz is 200', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: realPing } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('when the database ping fails or says no, then /readyz is 503', async () => {
    for (const pingDatabase of [() => Promise.reject(new Error('ECONNREFUSED')), () => Promise.resolve(false)]) {
      const app = createApp({ config, logger: silentLogger, database: { pingDatabase } });
      const res = await request(app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', database: 'down' });
    }
  });

  it('when a page is served, then it carries a strict CSP, a request id and no X-Powered-By', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: realPing } });
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).toContain('<html lang="fr">');
  });

  it('when a caller sends a well-formed X-Request-Id, then it is echoed; a malformed one is replaced', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: realPing } });
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'edge-proxy-1234');
    expect(kept.headers['x-request-id']).toBe('edge-proxy-1234');
    const replaced = await request(app).get('/healthz').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when an unknown address is asked, then the French 404 page is served', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: realPing } });
    const res = await request(app).get('/nope/not-here');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page introuvable');
  });

  it('when the stylesheet linked by a page is fetched, then it is served with a one-year immutable cache', async () => {
    const app = createApp({ config, logger: silentLogger, database: { pingDatabase: realPing } });
    const page = await request(app).get('/');
    // Handlebars escapes `=` as &#x3D; in attributes; browsers decode it.
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)?.[1]?.replace(/&#x3D;/g, '=');
    expect(href).toMatch(/^\/static\/css\/site\.css\?v=[0-9a-f]{10}$/);
    const css = await request(app).get(href!);
    expect(css.status).toBe(200);
    expect(css.type).toBe('text/css');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
