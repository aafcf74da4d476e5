/**
 * `createApp()`: the Hono app, free of Node-only APIs, so the same app runs on Node and at the edge.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { tooLarge } from './errors.js'
import { type ErrorLogger, errorBody, handleError, notFoundRoute } from './http/errors.js'
import type { ModelRegistry } from './models/registry.js'
import { inferenceRoutes } from './routes/inference.js'
import { modelRoutes } from './routes/models.js'

export const SERVER_NAME = 'modelport'
export const SERVER_VERSION = '0.1.0'

export interface AppOptions {
  registry: ModelRegistry
  /** Largest request body, in bytes (default 64 MiB). */
  maxBodyBytes?: number
  /** Most elements one input tensor may have (default 16 Mi). */
  maxTensorElements?: number
  log?: ErrorLogger
}

export function createApp(options: AppOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024
  const log = options.log ?? { error: (message, fields) => console.error(message, fields) }
  const app = new Hono()
  app.use(requestId())
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        const error = tooLarge(`The request body is over the limit of ${maxBodyBytes} bytes.`)
        return c.json(errorBody(c.req.path, error), 413)
      },
    }),
  )
  app.route('/', modelRoutes(options.registry))
  app.route(
    '/',
    inferenceRoutes({
      registry: options.registry,
      server: { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] },
      maxTensorElements: options.maxTensorElements ?? 16 * 1024 * 1024,
    }),
  )
  app.notFound(notFoundRoute)
  app.onError(handleError(log))
  return app
}

export type App = ReturnType<typeof createApp>
