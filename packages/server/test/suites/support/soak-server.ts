/**
 * The soak's server, run as its own process so its memory is measured alone: a real `startServer()` on
 * the repository and config the parent names (`MODELPORT_MODELS`, `MODELPORT_CONFIG`), logging only
 * warnings, and printing one `listening` line with its URL.
 */
import { startServer } from '../../../src/node.js'
import { createLogger } from '../../../src/observability/logger.js'

const server = await startServer({
  port: 0,
  builtins: false,
  modelsDir: process.env.MODELPORT_MODELS,
  configPath: process.env.MODELPORT_CONFIG,
  log: createLogger({ level: 'warn' }),
})
console.log(JSON.stringify({ msg: 'listening', url: server.url }))
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0))
})
