// json-server 0.17.4 (the one tests/conformance/package-lock.json pins) for Refetch's tests, on a port the OS
// picks, seeded from a copy of a db.json:
//
//   node server.js --seed /tmp/x/db.json [--port N] [--keep-db]
//
// It prints "Listening on http://127.0.0.1:PORT" once listening, then "REQUEST <METHOD> <target>" for every
// request, before json-server sees it. Writes go to a copy of the seed beside it, never to the seed itself.
// --port N listens on N (a restart on the port of the run before); --keep-db starts from the copy the run before
// left, when there is one, and leaves it on exit: a stop and a start are an outage of one server, not a new one.
// SIGTERM and SIGINT stop it as a server going down for a restart does: no new connection is taken, idle ones
// are closed, and the requests already read are carried out and answered before it exits.
const fs = require('node:fs');
const path = require('node:path');
const jsonServer = require(path.join(__dirname, '..', '..', 'conformance', 'node_modules', 'json-server'));

const at = process.argv.indexOf('--seed');
if (at < 0 || !process.argv[at + 1]) {
  console.error('usage: node server.js --seed <db.json> [--port N] [--keep-db]');
  process.exit(2);
}
const seed = process.argv[at + 1];
const portAt = process.argv.indexOf('--port');
const port = portAt < 0 ? 0 : Number(process.argv[portAt + 1]);
const keepDb = process.argv.includes('--keep-db');
const copy = path.join(path.dirname(seed), 'json-server-0.17-db.json');
if (!keepDb || !fs.existsSync(copy))
  fs.copyFileSync(seed, copy);

let stopping = false;
let active = 0;
const exitWhenDone = () => {
  if (!stopping || active > 0)
    return;
  if (!keepDb)
    fs.rmSync(copy, { force: true });
  process.exit(0);
};

const app = jsonServer.create();
app.use((req, res, next) => {
  process.stdout.write(`REQUEST ${req.method} ${req.originalUrl}\n`);
  ++active;
  res.on('close', () => {
    --active;
    exitWhenDone();
  });
  if (stopping)
    res.set('Connection', 'close');
  next();
});
app.use(jsonServer.defaults({ logger: false, noCors: false }));
app.use(jsonServer.router(copy));
const server = app.listen(port, '127.0.0.1', () => {
  process.stdout.write(`Listening on http://127.0.0.1:${server.address().port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopping = true;
    server.close();
    server.closeIdleConnections();
    exitWhenDone();
  });
}
