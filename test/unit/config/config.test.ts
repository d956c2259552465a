import path from 'node:path';
import { ConfigError, loadConfig } from '../../../server/config';

describe('loadConfig', () => {
  it('when the environment is empty, then every default applies', () => {
    const config = loadConfig({}, '/srv/ecart');
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      mongodbUri: undefined,
      dataDir: path.resolve('/srv/ecart', 'data'),
      siteUrl: 'http://localhost:3000',
      secureCookies: false,
      locale: 'fr',
      timeZone: 'Europe/Paris',
      logLevel: 'info',
      trustProxy: false,
      fetchAllowPrivate: [],
      sessionSecretGenerated: true,
      watchTemplates: false,
      sourcePollSeconds: 60,
    });
    expect(config.sessionSecret).toHaveLength(64);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when every variable is set, then each is used', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        MONGODB_URI: 'mongodb://db.internal:27017/ecart',
        DATA_DIR: '/var/lib/ecart',
        SESSION_SECRET: 'x'.repeat(40),
        SITE_URL: 'https://ecart.example.org/',
        TRUST_PROXY: 'loopback',
        SITE_LOCALE: 'en',
        TZ_NEWSROOM: 'America/Montreal',
        LOG_LEVEL: 'debug',
        NODE_ENV: 'production',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      mongodbUri: 'mongodb://db.internal:27017/ecart',
      dataDir: '/var/lib/ecart',
      sessionSecret: 'x'.repeat(40),
      sessionSecretGenerated: false,
      siteUrl: 'https://ecart.example.org',
      secureCookies: true,
      trustProxy: ['loopback'],
      locale: 'en',
      timeZone: 'America/Montreal',
      logLevel: 'debug',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ MONGODB_URI: 'postgres://x' }, 'Invalid configuration: MONGODB_URI must start with mongodb:// or mongodb+srv:// (got "postgres://x")'],
    [{ SITE_URL: 'ecart.fr' }, 'Invalid configuration: SITE_URL must be an absolute http:// or https:// URL, e.g. https://ecart.example.org (got "ecart.fr")'],
    [{ SITE_LOCALE: 'de' }, 'Invalid configuration: SITE_LOCALE must be one of: fr, en (got "de")'],
    [{ TZ_NEWSROOM: 'Mars/Olympus' }, 'Invalid configuration: TZ_NEWSROOM must be an IANA time zone, e.g. Europe/Paris (got "Mars/Olympus")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ ECART_WATCH_TEMPLATES: 'yes' }, 'Invalid configuration: ECART_WATCH_TEMPLATES must be 1 or true (or unset) (got "yes")'],
    ...['true', 'yes', '10.0.0.0/33', '256.1.1.1', 'loopback,', '-1', '100'].map((value): [Record<string, string>, string] => [
      { TRUST_PROXY: value },
      `Invalid configuration: TRUST_PROXY must be unset (or false), the number of proxies in front (e.g. 1), or their addresses: loopback, linklocal, uniquelocal, IPs or CIDRs, comma-separated (got "${value}")`,
    ]),
    [
      { SITE_URL: 'https://ecart.example.org' },
      'Invalid configuration: TRUST_PROXY must name the TLS proxy in front (e.g. loopback or 1) when SITE_URL is https, or sign-in cannot set its secure cookies',
    ],
  ])('when %j, then it fails with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it.each([
    ['', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8 ,fd00::/8, 192.0.2.7', ['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']],
  ])('when TRUST_PROXY is %j, then Express is told %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['', []],
    ['127.0.0.1', ['127.0.0.1']],
    [' 127.0.0.0/8 , ::1,10.1.0.0/16', ['127.0.0.0/8', '::1', '10.1.0.0/16']],
  ])('when FETCH_ALLOW_PRIVATE is %j, then fetching sources may reach %j', (value, expected) => {
    const allowed = loadConfig({ FETCH_ALLOW_PRIVATE: value }).fetchAllowPrivate;
    expect(allowed).toEqual(expected);
    expect(Object.isFrozen(allowed)).toBe(true);
  });

  it.each(['localhost', '127.0.0.1/33', '10.0.0.0/8,', '999.0.0.1', 'loopback', 'true'])(
    'when FETCH_ALLOW_PRIVATE is %j, then boot stops with one line naming it',
    (value) => {
      expect(() => loadConfig({ FETCH_ALLOW_PRIVATE: value })).toThrow(
        new ConfigError(
          `Invalid configuration: FETCH_ALLOW_PRIVATE must be unset or comma-separated IP addresses or CIDR blocks, e.g. 127.0.0.1 or 10.0.0.0/8,::1 (got "${value}")`,
        ),
      );
    },
  );

  it('when SESSION_SECRET is too short, then the error names it without echoing the secret', () => {
    let error: unknown;
    try {
      loadConfig({ SESSION_SECRET: 'hunter2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('Invalid configuration: SESSION_SECRET must be at least 32 characters long');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('when in production without SESSION_SECRET, then it refuses to boot', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required in production/);
  });

  it('when a variable is set to the empty string, then its default applies', () => {
    expect(loadConfig({ PORT: '', SITE_LOCALE: '' })).toMatchObject({ port: 3000, locale: 'fr' });
  });

  it('when SOURCE_POLL_SECONDS is 0 or a number of seconds, then the poller interval is that, and anything else refuses to boot naming it', () => {
    expect(loadConfig({ SOURCE_POLL_SECONDS: '0' }).sourcePollSeconds).toBe(0);
    expect(loadConfig({ SOURCE_POLL_SECONDS: '5' }).sourcePollSeconds).toBe(5);
    expect(() => loadConfig({ SOURCE_POLL_SECONDS: 'soon' })).toThrow(/^Invalid configuration: SOURCE_POLL_SECONDS must be a whole number of seconds from 0 \(off\) to 86400 \(got "soon"\)$/);
    expect(() => loadConfig({ SOURCE_POLL_SECONDS: '90000' })).toThrow(/SOURCE_POLL_SECONDS/);
  });

  it('when ECART_WATCH_TEMPLATES=1 in development, then the template watch mode is on', () => {
    expect(loadConfig({ ECART_WATCH_TEMPLATES: '1' }).watchTemplates).toBe(true);
  });

  it('when ECART_WATCH_TEMPLATES is set in production, then it refuses to boot with one line naming it', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db', ECART_WATCH_TEMPLATES: 'true' }),
    ).toThrow(/^Invalid configuration: ECART_WATCH_TEMPLATES is for development only/);
  });
});
