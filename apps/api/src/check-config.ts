// `./run start` checks the configuration before it spends minutes building the console:
// the same parse the server does at start-up, so a malformed variable is named at once.
// Exit codes: 0 when the configuration is valid, 78 (EX_CONFIG) when it is not.
import { ConfigError, loadConfig } from './config.ts';

try {
  loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`slipway: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
