import { Router } from 'express';
import { snapshotsController } from '../controllers/snapshots.controller';

/** The stored copies of sources that published claims link to. Editors read any at /editor/snapshots/:id. */
export function snapshotsRouter(): Router {
  const router = Router();
  router.get('/snapshots/:id', snapshotsController().showPublic);
  return router;
}
