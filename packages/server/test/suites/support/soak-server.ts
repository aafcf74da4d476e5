/**
 * The soak's server, run as its own process so its memory is measured alone: a real `startServer()` on
 * the repository and config the parent names (`MODELPORT_MODELS`, `MODELPORT_CONFIG`), logging only
 * warnings, and printing one `listening` line with its URL. On SIGUSR2 it collects garbage fully and
 * prints its memory as a `memory` line: resident memory then is the level, not a point on the sawtooth
 * of collections (measured here at about 25% from trough to peak, over 15–20 s).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
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

setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void
let measured = 0
process.on('SIGUSR2', () => {
  collect()
  const { rss, heapUsed } = process.memoryUsage()
  console.log(JSON.stringify({ msg: 'memory', n: ++measured, rss, heapUsed }))
})
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0))
})
