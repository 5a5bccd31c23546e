export default async function globalTeardown() {
  const postgres = globalThis.__pigeonEmbeddedPostgres;

  if (postgres) {
    await postgres.stop();
  }
}
