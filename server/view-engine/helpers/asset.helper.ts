import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const STATIC_PREFIX = '/static';

/**
 * `{{asset "css/site.css"}}` -> `/static/css/site.css?v=<content hash>`. The hash changes
 * whenever the file does, so static files can be cached for a year.
 */
export function makeAssetHelper(publicDir: string) {
  const versions = new Map<string, string>();
  return function asset(file: unknown): string {
    const name = String(file);
    let version = versions.get(name);
    if (version === undefined) {
      const fullPath = path.join(publicDir, path.normalize(name).replace(/^(\.\.[/\\])+/, ''));
      version = createHash('sha256').update(fs.readFileSync(fullPath)).digest('hex').slice(0, 10);
      versions.set(name, version);
    }
    return `${STATIC_PREFIX}/${name}?v=${version}`;
  };
}
