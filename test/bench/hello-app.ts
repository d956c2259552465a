/**
 * The page benchmark's yardstick: a bare Express "hello", run as its own process in
 * production mode on PORT (0: any free port). It prints the same "listening on" line as the
 * app, which `startHelloProcess` (processes.ts) waits for.
 */
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('hello');
});
const server = app.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`hello listening on http://localhost:${port}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
