import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import { MongoStore } from 'connect-mongo';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { SESSIONS_COLLECTION } from '../../models/session.model';

declare module 'express-session' {
  interface SessionData {
    /** Stored as a plain field (the store keeps sessions as objects) so disabling a user can end their sessions. */
    userId?: string;
  }
}

export const SESSION_COOKIE = 'ecart.sid';
const SESSION_TTL_SECONDS = 8 * 60 * 60;

/**
 * Sessions live in MongoDB, on Mongoose's own client: several processes share them and a
 * restart ends none. `stringify: false` keeps each session an object, so its userId can be
 * queried.
 */
export function createMongoSessionStore(connection = mongoose.connection): Store {
  return MongoStore.create({
    client: connection.getClient(),
    dbName: connection.name,
    collectionName: SESSIONS_COLLECTION,
    stringify: false,
    ttl: SESSION_TTL_SECONDS,
  });
}

/**
 * The session middleware for the editor's paths. The store is made on the first request
 * that needs it, so building the app never touches the database.
 */
export function sessionMiddleware(
  config: Pick<Config, 'sessionSecret' | 'secureCookies'>,
  makeStore: () => Store = createMongoSessionStore,
): RequestHandler {
  let handler: RequestHandler | undefined;
  return (req, res, next) => {
    handler ??= session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      store: makeStore(),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        path: '/',
        maxAge: SESSION_TTL_SECONDS * 1000,
      },
    });
    handler(req, res, next);
  };
}
