import type { RequestHandler } from 'express';

/**
 * Lets any site frame the response, for the embeddable card only. app.ts sends
 * `frame-ancestors 'none'` and X-Frame-Options everywhere; this rewrites just that one
 * directive of the policy already set, so the rest of it (no inline script or style …)
 * stays exactly as strict as on every other page.
 */
export const allowFramingByAnySite: RequestHandler = (_req, res, next) => {
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy === 'string') res.setHeader('Content-Security-Policy', withFrameAncestors(policy, '*'));
  res.removeHeader('X-Frame-Options');
  // A host page that requires CORP on its subresources (COEP) may still frame the card.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};

/** `policy` with its frame-ancestors directive replaced (or added) by `sources`. */
export function withFrameAncestors(policy: string, sources: string): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !/^frame-ancestors(\s|$)/i.test(d));
  return [...directives, `frame-ancestors ${sources}`].join(';');
}

