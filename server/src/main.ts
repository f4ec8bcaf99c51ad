import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { seedDemo } from './demo.js';

/** Starts the server; `--seed-demo` creates a demo consultation and prints its join links. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  const address = await app.listen();
  app.log.info({ address, store: app.store.kind, dataDir: config.dataDir }, 'consultation server listening');
  if (process.argv.includes('--seed-demo')) await seedDemo(app, config, address);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
