export { AppError, isAppError, ERROR_CODES } from './app-error';
export type { ErrorCode, AppErrorOptions } from './app-error';
