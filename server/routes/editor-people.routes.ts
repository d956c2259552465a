import type { Router } from 'express';
import type { Config } from '../config';
import { editorPeopleController } from '../controllers/editor-people.controller';
import { validateBody, validateQuery } from '../middleware/validate';
import { directoryQuerySchema } from '../schemas/editor-query.schemas';

/**
 * /editor/speakers and /editor/topics: list, create, edit. Registered on the account router,
 * which already requires the editor role and exposes the CSRF token under /editor.
 */
export function editorPeopleRoutes(router: Router, config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date): void {
  const people = editorPeopleController(config, clock);
  for (const dir of [people.speakers, people.topics]) {
    router.get(dir.path, dir.list);
    router.get(`${dir.path}/new`, validateQuery(directoryQuerySchema), dir.newForm);
    router.post(`${dir.path}/new`, validateQuery(directoryQuerySchema), validateBody(dir.createSchema), dir.create, dir.rejectedCreate);
    router.get(`${dir.path}/:id/edit`, dir.editForm);
    router.post(`${dir.path}/:id/edit`, validateBody(dir.editSchema), dir.update, dir.rejectedEdit);
  }
}
