#!/usr/bin/env node
/**
 * `modelport serve`: serves the built-in models and the model repository.
 * Environment: PORT (8080), HOST (127.0.0.1), MODELPORT_MODELS (./models).
 */
import { startServer } from './node.js'

const usage = `Usage: modelport serve

Environment:
  PORT               listen port (default 8080)
  HOST               listen address (default 127.0.0.1)
  MODELPORT_MODELS   model repository folder (default ./models)`

async function serveCommand(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got '${process.env.PORT}'.`)
  const server = await startServer({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    modelsDir: process.env.MODELPORT_MODELS ?? 'models',
    waitForModels: false,
  })
  console.log(JSON.stringify({ level: 'info', message: 'listening', url: server.url }))
  await server.loaded
  const ready = server.registry.list().map((m) => `${m.name} (${server.registry.stateOf(m)})`)
  console.log(JSON.stringify({ level: 'info', message: 'models loaded', models: ready }))
  const stop = () => {
    server.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

const [command] = process.argv.slice(2)
if (command === 'serve') {
  serveCommand().catch((error: Error) => {
    console.error(error.message)
    process.exit(1)
  })
} else {
  console.error(
    command === undefined || command === '--help' ? usage : `Unknown command '${command}'.\n\n${usage}`,
  )
  process.exit(command === '--help' ? 0 : 2)
}
