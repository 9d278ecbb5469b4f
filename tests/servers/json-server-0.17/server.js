// json-server 0.17.4 (the one tests/conformance/package-lock.json pins) for Refetch's tests, on a port the OS
// picks, seeded from a copy of a db.json:
//
//   node server.js --seed /tmp/x/db.json
//
// It prints "Listening on http://127.0.0.1:PORT" once listening, then "REQUEST <METHOD> <target>" for every
// request, before json-server sees it. Writes go to a copy of the seed beside it, never to the seed itself.
const fs = require('node:fs');
const path = require('node:path');
const jsonServer = require(path.join(__dirname, '..', '..', 'conformance', 'node_modules', 'json-server'));

const at = process.argv.indexOf('--seed');
if (at < 0 || !process.argv[at + 1]) {
  console.error('usage: node server.js --seed <db.json>');
  process.exit(2);
}
const seed = process.argv[at + 1];
const copy = path.join(path.dirname(seed), 'json-server-0.17-db.json');
fs.copyFileSync(seed, copy);

const app = jsonServer.create();
app.use((req, res, next) => {
  process.stdout.write(`REQUEST ${req.method} ${req.originalUrl}\n`);
  next();
});
app.use(jsonServer.defaults({ logger: false, noCors: false }));
app.use(jsonServer.router(copy));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Listening on http://127.0.0.1:${server.address().port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    fs.rmSync(copy, { force: true });
    process.exit(0);
  });
}
