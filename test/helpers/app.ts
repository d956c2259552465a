import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';

/** A config for tests: silent logs, no real environment beyond what the test passes. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', ...overrides });
}

export const silentLogger = createLogger('silent');
