export { loadConfig, ConfigError, SUPPORTED_LOCALES } from './config';
export type { Config, Locale } from './config';
