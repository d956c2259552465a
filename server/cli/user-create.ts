/**
 * `npm run user:create -- --email ana@example.org --role admin [--name "Ana Martin"]`
 *
 * Creates an account. The password is asked on the terminal (twice, not echoed); without a
 * terminal (CI, scripts) it is read from ECART_USER_PASSWORD. Connects like `npm run seed`:
 * MONGODB_URI, or the DATA_DIR store (the running app's server when the app holds it).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, readUserPasswordFromEnv, USER_PASSWORD_VARIABLE } from '../config';
import { connectDatabase } from '../db/connect';
import { isAppError } from '../errors';
import { createTranslator, isMessageKey } from '../i18n';
import { createLogger } from '../logger';
import { createUser } from '../services/users.service';
import { USER_ROLES, type UserRole } from '../../models/user.model';

const USAGE = `usage: npm run user:create -- --email <address> --role <${USER_ROLES.join('|')}> [--name <name>]`;

class UsageError extends Error {}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let answer = '';
    process.stdout.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stdout.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = readUserPasswordFromEnv();
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new UsageError(`no terminal to ask the password on: set ${USER_PASSWORD_VARIABLE}`);
  }
  const first = await askHidden('Mot de passe (12 caractères au moins) : ');
  const second = await askHidden('Encore une fois : ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

function readArgs(): { email: string; role: UserRole; name: string | undefined } {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.email) throw new UsageError('--email is required');
  const role = values.role ?? '';
  if (!(USER_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of: ${USER_ROLES.join(', ')}`);
  return { email: values.email, role: role as UserRole, name: values.name };
}

async function main(): Promise<void> {
  const args = readArgs();
  const config = loadConfig();
  const password = await readPassword();
  const logger = createLogger(config.logLevel);
  const database = await connectDatabase(config, logger, { role: 'tool' });
  try {
    const user = await createUser({ email: args.email, role: args.role, name: args.name ?? '', password });
    logger.info({ userId: user.id, role: user.role }, 'user created');
    process.stdout.write(`Compte créé : ${user.email} (${user.role}).\n`);
  } finally {
    await database.close();
  }
}

function describe(err: unknown): string {
  if (isAppError(err) && err.details) {
    // The same French messages as the admin form.
    const t = createTranslator('fr');
    return Object.values(err.details).map((key) => (isMessageKey(key) ? t(key) : key)).join(' ');
  }
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  const usage = err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
  process.stderr.write(`${err instanceof ConfigError ? '' : 'user:create failed: '}${describe(err)}\n${usage ? `${USAGE}\n` : ''}`);
  process.exit(usage ? 2 : 1);
});
