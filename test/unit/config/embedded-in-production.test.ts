import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../server/config';

const SECRET = 'x'.repeat(40);
const REFUSAL =
  'Invalid configuration: MONGODB_URI is required in production (the embedded database is meant for tests and development); ' +
  'set ECART_EMBEDDED_IN_PRODUCTION=1 to run production on the embedded database knowingly';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a ConfigError');
}

describe('the embedded database in production', () => {
  it('when NODE_ENV=production has no MONGODB_URI, then boot stops with one line naming both variables', () => {
    const error = errorOf(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(REFUSAL);
    expect(error.message).not.toContain('\n');
  });

  it('when ECART_EMBEDDED_IN_PRODUCTION is set to the empty string, then it counts as unset and production is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, ECART_EMBEDDED_IN_PRODUCTION: '' })).toThrow(
      new ConfigError(REFUSAL),
    );
  });

  it.each(['1', 'true'])('when ECART_EMBEDDED_IN_PRODUCTION=%s, then production runs on the embedded database', (value) => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, ECART_EMBEDDED_IN_PRODUCTION: value }, '/srv');
    expect(config).toMatchObject({ env: 'production', mongodbUri: undefined, dataDir: path.resolve('/srv', 'data') });
  });

  it('when production has MONGODB_URI, then no opt-in is needed', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, MONGODB_URI: 'mongodb://db.internal:27017' });
    expect(config.mongodbUri).toBe('mongodb://db.internal:27017');
  });

  it.each(['development', 'test'])('when NODE_ENV=%s has no MONGODB_URI, then the embedded database needs no opt-in', (env) => {
    expect(loadConfig({ NODE_ENV: env }).mongodbUri).toBeUndefined();
  });

  it.each(['yes', '0', 'false', 'TRUE', 'on'])('when ECART_EMBEDDED_IN_PRODUCTION=%s, then it fails with one line naming the variable', (value) => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, ECART_EMBEDDED_IN_PRODUCTION: value })).toThrow(
      new ConfigError(`Invalid configuration: ECART_EMBEDDED_IN_PRODUCTION must be 1 or true (or unset) (got "${value}")`),
    );
  });

  it('when ECART_EMBEDDED_IN_PRODUCTION is invalid outside production, then it is still refused', () => {
    expect(() => loadConfig({ ECART_EMBEDDED_IN_PRODUCTION: 'maybe' })).toThrow(/ECART_EMBEDDED_IN_PRODUCTION must be 1 or true/);
  });

  it('when the variable is documented, then .env.example and the README configuration table both describe it', () => {
    const root = path.resolve(__dirname, '../../..');
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(example).toMatch(/^ECART_EMBEDDED_IN_PRODUCTION=$/m);
    expect(readme).toMatch(/^\| `ECART_EMBEDDED_IN_PRODUCTION` \|.*\|$/m);
  });
});
