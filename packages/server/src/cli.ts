#!/usr/bin/env node
/**
 * `modelport serve`: serves the built-in models and the model repository.
 * `modelport pull`: downloads a model from a Hugging Face-style hub into the repository.
 * `modelport hash-key`: prints the SHA-256 of an API key, for the config file's `auth.keys`.
 * Environment: PORT (8080), HOST (127.0.0.1), MODELPORT_MODELS (./models), MODELPORT_HUB_URL, HF_TOKEN.
 */
import { HASH_KEY_USAGE, hashKeyCommand } from './http/hash-key-command.js'
import { PULL_USAGE, pullCommand } from './models/pull/index.js'
import type { RunningServer } from './node.js'
import { onStopSignals } from './stop-signals.js'

const usage = `Usage: modelport serve              (modelport <command> --help for more)
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

/** A start-up failure said with what to do about it; other errors keep their own message. */
function explainStartFailure(error: NodeJS.ErrnoException, port: number, host: string): string {
  const where = `${host}:${port}`
  if (error.code === 'EADDRINUSE')
    return `Port ${port} is already in use on ${host} (is another modelport running?). Stop that process, or pick another port: PORT=${port + 1} (or PORT=0 for any free one).`
  if (error.code === 'EACCES')
    return `Not allowed to listen on ${where}: ports below 1024 need privileges. Pick another port with PORT, e.g. PORT=8080.`
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return `Cannot listen on ${where}: '${host}' is not an address of this machine. Set HOST to one that is (127.0.0.1, or 0.0.0.0 for every interface).`
  return error.message
}

async function serveCommand(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got '${process.env.PORT}'.`)
  const host = process.env.HOST ?? '127.0.0.1'
  // Loaded here, not at the top: `pull` needs neither ONNX Runtime nor the server.
  const { createLogger } = await import('./observability/logger.js')
  const log = createLogger({ level: process.env.MODELPORT_LOG_LEVEL || undefined })
  let server: RunningServer | undefined
  // Listened to from the very start, so a stop while starting says so instead of vanishing.
  onStopSignals({
    graceful(signal) {
      if (!server) {
        log.info('stopped during start-up', { signal })
        process.exit(0)
      }
      log.info('shutting down', { signal, hint: 'a second signal, a second or more later, stops at once' })
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
    },
    immediate(signal) {
      log.warn('stopping at once: requests in flight are cut', { signal })
      process.exit(1)
    },
  })
  log.info('starting', { port, host })
  const { startServer } = await import('./node.js')
  const { splitApiKeys } = await import('./config/api-keys.js')
  try {
    server = await startServer({
      port,
      host,
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
  } catch (error) {
    throw new Error(explainStartFailure(error as NodeJS.ErrnoException, port, host))
  }
  log.info('listening', { url: server.url })
  await server.loaded
  const ready = server.registry.list().map((m) => `${m.name} (${server?.registry.stateOf(m)})`)
  log.info('models loaded', { models: ready })
}

/** Each command's own help, for `modelport <command> --help`. */
const commandHelp: Record<string, string> = {
  serve: `Usage: modelport serve

Serves the built-in models (OCR, voice activity, simplenet), every model in MODELPORT_MODELS, and the
providers and routes of MODELPORT_CONFIG, on http://HOST:PORT (default http://127.0.0.1:8080).
Ready when GET /v2/health/ready answers 200. SIGINT or SIGTERM drains and exits 0; a second one,
sent a second or more later, stops at once.
${usage.slice(usage.indexOf('\n\nEnvironment:'))}`,
  pull: `Usage: ${PULL_USAGE}

Downloads an ONNX model and its tokenizer from a Hugging Face-style hub into MODELPORT_MODELS
(default ./models), with resume and checksums. A running server loads it with
POST /v2/repository/models/<name>/load, or on restart.
  --file   the ONNX file in the repository, when it holds several
  --name   the local model name (default: the repository's name)
  --wait   how long to wait for another pull of the same model to finish, in seconds

Environment:
  MODELPORT_MODELS     model repository folder (default ./models)
  MODELPORT_HUB_URL    the hub to download from (default https://huggingface.co; a mirror works)
  HF_TOKEN             hub access token (private or gated repositories)`,
  'hash-key': `Usage: ${HASH_KEY_USAGE}

Prints the SHA-256 of an API key, for the config file's auth.keys[].sha256.`,
}

const [command, ...args] = process.argv.slice(2)
const wantsHelp = args.includes('--help') || args.includes('-h')
if (command !== undefined && commandHelp[command] && wantsHelp) {
  console.log(commandHelp[command])
} else if (command === 'serve') {
  serveCommand().catch((error: Error) => {
    console.error(error.message)
    process.exit(1)
  })
} else if (command === 'pull') {
  pullCommand(args).then((code) => process.exit(code))
} else if (command === 'hash-key') {
  const io = { stdin: process.stdin, stdout: console.log, stderr: console.error }
  hashKeyCommand(args, io).then((code) => process.exit(code))
} else if (command === undefined || command === '--help' || command === '-h') {
  console.log(usage)
  process.exitCode = command === undefined ? 2 : 0
} else {
  console.error(`Unknown command '${command}'.\n\n${usage}`)
  process.exit(2)
}
