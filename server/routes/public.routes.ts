import { Router } from 'express';

export function publicRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('pages/home', { titleKey: 'home.title' });
  });
  return router;
}
