// json-server 1.x for Refetch's tests, its own app (createApp) on a port the OS picks, seeded from a db.json.
//
//   node server.mjs --seed /tmp/x/db.json
//
// Its CLI takes no port 0 and saves every write back into the file it serves (and watches it): this wrapper keeps
// the data in memory instead (lowdb's Memory adapter), so every start begins again from the seed and nothing is
// written. It prints "Listening on http://127.0.0.1:PORT" once listening, then "REQUEST <METHOD> <target>" for every
// request, before json-server sees it.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createApp } from 'json-server/lib/app.js';
import { Low, Memory } from 'lowdb';

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
if (!values.seed) {
  console.error('usage: node server.mjs --seed <db.json>');
  process.exit(2);
}

const db = new Low(new Memory(), {});
db.data = JSON.parse(readFileSync(values.seed, 'utf-8'));
const app = createApp(db, { logger: false });

const server = createServer((req, res) => {
  process.stdout.write(`REQUEST ${req.method} ${req.url}\n`);
  app.attach(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Listening on http://127.0.0.1:${server.address().port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
