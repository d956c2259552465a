import { Router } from 'express';

export interface HealthDeps {
  /** Resolves when the database answers a ping; rejects or returns false otherwise. */
  pingDatabase: () => Promise<boolean>;
  /** True once the process has begun to stop: readiness fails at once, liveness still answers. */
  isDraining?: () => boolean;
}

const PING_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function healthRouter({ pingDatabase, isDraining = () => false }: HealthDeps): Router {
  const router = Router();
  // Liveness: the process answers. Never touches the database, so a slow DB does not get it killed.
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  // Readiness: send traffic here only while the database answers and the process is not stopping.
  router.get('/readyz', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      if (await withTimeout(pingDatabase(), PING_TIMEOUT_MS)) {
        res.json({ status: 'ok', database: 'up' });
        return;
      }
    } catch (err) {
      req.log.warn({ err }, 'readiness check: database did not answer');
    }
    res.status(503).json({ status: 'unavailable', database: 'down' });
  });
  return router;
}
