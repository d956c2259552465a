import { createHash } from 'node:crypto';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { safeFetch, SourceFetchError, type FetchErrorCode, type SafeFetchOptions } from '../../../server/services/sources/safe-fetch';
import { testConfig } from '../../helpers/app';
import { startRawServer, startSourceServer, type SourceServer } from '../../helpers/source-server';

/** What a newsroom running its tests sets: FETCH_ALLOW_PRIVATE=127.0.0.1. */
const allowPrivate = testConfig({ FETCH_ALLOW_PRIVATE: '127.0.0.1' }).fetchAllowPrivate;
const CSV = 'date;passes\n2021-12-29;3601\n';
const MIB = 1024 * 1024;

async function fetchError(url: string, options: SafeFetchOptions): Promise<SourceFetchError> {
  try {
    await safeFetch(url, options);
  } catch (err) {
    if (err instanceof SourceFetchError) return err;
    throw err;
  }
  throw new Error(`Expected ${url} to fail`);
}

async function expectFetchError(url: string, options: SafeFetchOptions, code: FetchErrorCode): Promise<SourceFetchError> {
  const error = await fetchError(url, options);
  expect(error.code).toBe(code);
  return error;
}

/** Writes `total` bytes in 64 KiB chunks as fast as the client reads, and counts them. */
function streamBytes(res: http.ServerResponse, total: number, sent: { bytes: number; finished: boolean }): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const writeMore = (): void => {
    while (sent.bytes < total && !res.destroyed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', writeMore);
        return;
      }
    }
    if (!res.destroyed) {
      sent.finished = true;
      res.end();
    }
  };
  writeMore();
}

describe('safeFetch', () => {
  let source: SourceServer;
  let handle: http.RequestListener;

  beforeAll(async () => {
    source = await startSourceServer((req, res) => handle(req, res));
  });
  afterAll(async () => {
    await source.close();
  });
  beforeEach(() => {
    source.requests.length = 0;
  });

  const options = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({ accept: ['text/csv', 'text/plain'], allowPrivate, ...extra });

  it('when a CSV source answers, then its bytes, media type, charset, SHA-256 and fetch time are returned', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'Text/CSV; Charset="UTF-8"' }).end(CSV);
    const fetchedAt = new Date('2026-01-02T03:04:05Z');

    const fetched = await safeFetch(source.url('/passes.csv?d=1'), options({ now: () => fetchedAt }));

    expect(fetched).toEqual({
      url: source.url('/passes.csv?d=1'),
      finalUrl: source.url('/passes.csv?d=1'),
      status: 200,
      contentType: 'text/csv',
      charset: 'utf-8',
      bytes: Buffer.from(CSV),
      sha256: createHash('sha256').update(CSV).digest('hex'),
      fetchedAt,
    });
    expect(source.requests).toHaveLength(1);
    expect(source.requests[0]?.headers.accept).toBe('text/csv, text/plain');
  });

  it('when a JSON source answers, then it is read whole, without a charset when none is given', async () => {
    const json = JSON.stringify({ data: [{ date: '2021-12-29', value: 3601 }] });
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(json);

    const fetched = await safeFetch(source.url('/api'), options({ accept: ['application/json'] }));

    expect(JSON.parse(fetched.bytes.toString('utf8'))).toEqual({ data: [{ date: '2021-12-29', value: 3601 }] });
    expect(fetched.contentType).toBe('application/json');
    expect(fetched.charset).toBeNull();
  });

  it('when the source compresses its answer anyway, then the stored bytes are the decompressed ones', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' }).end(gzipSync(CSV));

    const fetched = await safeFetch(source.url('/gz'), options());

    expect(fetched.bytes.toString('utf8')).toBe(CSV);
    expect(fetched.sha256).toBe(createHash('sha256').update(CSV).digest('hex'));
  });

  it('when the source answers 500, then it fails with bad_status and the status', async () => {
    handle = (_req, res) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('boom');

    const error = await expectFetchError(source.url('/broken'), options(), 'bad_status');

    expect(error.status).toBe(500);
    expect(error.message).toContain('500');
  });

  it('when the source never answers, then it fails with timeout', async () => {
    handle = () => undefined;

    await expectFetchError(source.url('/silent'), options({ timeoutMs: 300 }), 'timeout');

    expect(source.requests).toHaveLength(1);
  });

  it('when the source sends headers then stalls its body, then the total timeout still ends it', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      res.write('date;passes\n');
    };

    await expectFetchError(source.url('/stall'), options({ timeoutMs: 300 }), 'timeout');
  });

  it('when the source streams a 10 MB body, then the fetch stops past 5 MiB with too_large', async () => {
    const sent = { bytes: 0, finished: false };
    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      streamBytes(res, 10 * 1000 * 1000, sent);
    };

    const error = await expectFetchError(source.url('/big'), options({ timeoutMs: 60_000 }), 'too_large');

    expect(error.message).toContain(String(5 * MIB));
  });

  it('when the source streams without end, then the fetch cuts the connection at the limit instead of waiting', async () => {
    const sent = { bytes: 0, finished: false };
    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      streamBytes(res, Number.MAX_SAFE_INTEGER, sent);
    };

    // A long timeout: only cutting the connection at the limit can end this fetch with too_large.
    await expectFetchError(source.url('/endless'), options({ maxBytes: MIB, timeoutMs: 60_000 }), 'too_large');

    expect(sent.finished).toBe(false);
  });

  it('when the source announces a 10 MB Content-Length, then it is refused before any body is read', async () => {
    handle = (_req, res) => {
      // Headers only, then silence: refusing must not wait for a body.
      res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': String(10 * 1000 * 1000) });
      res.flushHeaders();
    };

    const error = await expectFetchError(source.url('/announced'), options({ timeoutMs: 60_000 }), 'too_large');

    expect(error.message).toContain('announces 10000000 bytes');
  });

  it('when the source announces more bytes than it sends and hangs up, then the truncated body is refused', async () => {
    const liar = await startRawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\ndate;passes\n');
    });
    try {
      await expectFetchError(liar.url('/short'), options(), 'network');
    } finally {
      await liar.close();
    }
  });

  it('when the source announces fewer bytes than it sends, then only the announced bytes are read', async () => {
    const liar = await startRawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
      socket.end(Buffer.alloc(2 * MIB, 'b'));
    });
    try {
      const fetched = await safeFetch(liar.url('/long'), options({ maxBytes: MIB }));
      expect(fetched.bytes).toEqual(Buffer.from('bbbbb'));
    } finally {
      await liar.close();
    }
  });

  it('when the source redirects twice, then the redirects are followed and the final URL recorded', async () => {
    handle = (req, res) => {
      if (req.url === '/a') res.writeHead(301, { Location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(307, { Location: source.url('/data.csv') }).end();
      else res.writeHead(200, { 'Content-Type': 'text/csv' }).end(CSV);
    };

    const fetched = await safeFetch(source.url('/a'), options());

    expect(fetched.url).toBe(source.url('/a'));
    expect(fetched.finalUrl).toBe(source.url('/data.csv'));
    expect(fetched.bytes.toString()).toBe(CSV);
  });

  it('when the redirect chain is longer than allowed, then it fails with too_many_redirects', async () => {
    handle = (req, res) => {
      const step = Number(req.url?.slice(1));
      res.writeHead(302, { Location: `/${step + 1}` }).end();
    };

    await expectFetchError(source.url('/0'), options({ maxRedirects: 3 }), 'too_many_redirects');

    expect(source.requests.map((r) => r.url)).toEqual(['/0', '/1', '/2', '/3']);
  });

  it.each(['http://10.0.0.1/secret', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:10.0.0.1]/'])(
    'when an allowed source redirects to the private address %s, then the redirect is refused with private_address',
    async (target) => {
      handle = (_req, res) => res.writeHead(302, { Location: target }).end();

      await expectFetchError(source.url('/go'), options({ timeoutMs: 60_000 }), 'private_address');

      expect(source.requests).toHaveLength(1);
    },
  );

  it('when the content type is not one accepted, then it fails with bad_content_type', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<p>not data</p>');

    const error = await expectFetchError(source.url('/page'), options(), 'bad_content_type');

    expect(error.message).toContain('text/html');
  });

  it('when no content type is required, then any is accepted, and a missing one reads as application/octet-stream', async () => {
    handle = (_req, res) => {
      res.removeHeader('Content-Type');
      res.end('raw');
    };

    const fetched = await safeFetch(source.url('/raw'), options({ accept: [] }));

    expect(fetched.contentType).toBe('application/octet-stream');
  });

  it('when an accepted type is a wildcard, then any subtype matches', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from([0x89, 0x50]));

    const fetched = await safeFetch(source.url('/img'), options({ accept: ['image/*'] }));

    expect(fetched.contentType).toBe('image/png');
  });

  it.each([
    ['loopback by address', (s: SourceServer) => s.url('/x')],
    ['loopback by name (through DNS)', (s: SourceServer) => `http://localhost:${s.port}/x`],
    ['loopback as an IPv4-mapped IPv6 address', (s: SourceServer) => `http://[::ffff:127.0.0.1]:${s.port}/x`],
  ])('when the switch is off, then %s is refused with private_address and never contacted', async (_name, urlOf) => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/csv' }).end(CSV);

    await expectFetchError(urlOf(source), { accept: ['text/csv'] }, 'private_address');

    expect(source.requests).toHaveLength(0);
  });

  it('when only 127.0.0.1 is allowed, then the rest of 127.0.0.0/8 stays refused', async () => {
    await expectFetchError(`http://127.0.0.2:${source.port}/x`, options(), 'private_address');
  });

  it.each([
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['ftp://example.org/data.csv', 'ftp://example.org/data.csv'],
    ['gopher://example.org/', 'gopher://example.org/'],
    ['http://user:secret@127.0.0.1/data.csv', 'http://user:secret@127.0.0.1/data.csv'],
    ['http://:secret@127.0.0.1/data.csv', 'http://:secret@127.0.0.1/data.csv'],
    ['not a url', 'not a url'],
    ['/relative/path.csv', '/relative/path.csv'],
    ['2 100 characters long', `http://example.org/${'a'.repeat(2100)}`],
  ])('when the URL is %s, then it fails with bad_url before any connection', async (_name, url) => {
    const error = await expectFetchError(url, options(), 'bad_url');

    expect(error).toBeInstanceOf(SourceFetchError);
    expect(source.requests).toHaveLength(0);
  });
});
