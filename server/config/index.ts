export { loadConfig, ConfigError, SUPPORTED_LOCALES } from './config';
export type { Config, Locale } from './config';
export { readUserPasswordFromEnv, USER_PASSWORD_VARIABLE } from './cli-env';
