#!/usr/bin/env node
/**
 * `modelport serve`: serves the built-in models and the model repository.
 * `modelport pull`: downloads a model from a Hugging Face-style hub into the repository.
 * `modelport hash-key`: prints the SHA-256 of an API key, for the config file's `auth.keys`.
 * Environment: PORT (8080), HOST (127.0.0.1), MODELPORT_MODELS (./models), MODELPORT_HUB_URL, HF_TOKEN.
 */
import { HASH_KEY_USAGE, hashKeyCommand } from './http/hash-key-command.js'
import { PULL_USAGE, pullCommand } from './models/pull/index.js'

const usage = `Usage: modelport serve
       ${PULL_USAGE}
       ${HASH_KEY_USAGE}

Environment:
  PORT                 listen port (default 8080)
  HOST                 listen address (default 127.0.0.1)
  MODELPORT_MODELS     model repository folder (default ./models)
  MODELPORT_CONFIG     providers, routes, keys and limits, YAML or JSON (\${NAME} reads the environment)
  MODELPORT_API_KEYS   comma-separated keys clients must send as 'Authorization: Bearer <key>'
  MODELPORT_ADMIN_API_KEYS  comma-separated admin keys: these may also load and unload models
  MODELPORT_REDIS_URL  Redis for rate limits shared by several replicas (default: in memory)
  MODELPORT_LOG_LEVEL  debug, info (default), warn or error
  MODELPORT_KEEP_ALIVE_MS      release a model's sessions after this long idle (default: never)
  MODELPORT_WATCH              1: reload a model when its repository folder changes (default 0)
  MODELPORT_SHUTDOWN_DELAY_MS  on SIGTERM, keep accepting this long, readiness 503 (default 0)
  MODELPORT_SHUTDOWN_GRACE_MS  on SIGTERM, let requests in flight run this long (default 25000)
  MODELPORT_HUB_URL    where pull downloads from (default https://huggingface.co)
  HF_TOKEN             hub access token for pull (private or gated repositories)`

/** A whole number of milliseconds from the environment, if set. */
function milliseconds(name: string): number | undefined {
  const text = process.env[name]
  if (!text) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be whole milliseconds, got '${text}'.`)
  return value
}

async function serveCommand(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got '${process.env.PORT}'.`)
  // Loaded here, not at the top: `pull` needs neither ONNX Runtime nor the server.
  const { startServer } = await import('./node.js')
  const { createLogger } = await import('./observability/logger.js')
  const { splitApiKeys } = await import('./http/api-keys.js')
  const log = createLogger({ level: process.env.MODELPORT_LOG_LEVEL || undefined })
  const server = await startServer({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    modelsDir: process.env.MODELPORT_MODELS ?? 'models',
    configPath: process.env.MODELPORT_CONFIG || undefined,
    apiKeys: splitApiKeys(process.env.MODELPORT_API_KEYS),
    adminApiKeys: splitApiKeys(process.env.MODELPORT_ADMIN_API_KEYS),
    redisUrl: process.env.MODELPORT_REDIS_URL || undefined,
    waitForModels: false,
    log,
    keepAliveMs: milliseconds('MODELPORT_KEEP_ALIVE_MS'),
    watch: process.env.MODELPORT_WATCH === '1' || process.env.MODELPORT_WATCH === 'true',
    shutdownDelayMs: milliseconds('MODELPORT_SHUTDOWN_DELAY_MS'),
    shutdownGraceMs: milliseconds('MODELPORT_SHUTDOWN_GRACE_MS'),
  })
  log.info('listening', { url: server.url })
  // Handled from the start, so a stop during model loading is graceful too; a second signal stops at once.
  const stop = (signal: string) => {
    log.info('shutting down', { signal })
    process.once(signal, () => process.exit(1))
    server.close().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (error: Error) => {
        log.error('shutdown failed', { error: error.message })
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  await server.loaded
  const ready = server.registry.list().map((m) => `${m.name} (${server.registry.stateOf(m)})`)
  log.info('models loaded', { models: ready })
}

const [command] = process.argv.slice(2)
if (command === 'serve') {
  serveCommand().catch((error: Error) => {
    console.error(error.message)
    process.exit(1)
  })
} else if (command === 'pull') {
  pullCommand(process.argv.slice(3)).then((code) => process.exit(code))
} else if (command === 'hash-key') {
  const io = { stdin: process.stdin, stdout: console.log, stderr: console.error }
  hashKeyCommand(process.argv.slice(3), io).then((code) => process.exit(code))
} else {
  console.error(
    command === undefined || command === '--help' ? usage : `Unknown command '${command}'.\n\n${usage}`,
  )
  process.exit(command === '--help' ? 0 : 2)
}
