import type { RequestHandler } from 'express';
import { AppError } from '../errors';

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError({ code: 'NOT_FOUND', message: 'No route matches this address' }));
};
