/** An in-process app over real ONNX sessions, for `app.request()` tests. */
import { type AppOptions, createApp } from '../../src/app.js'
import { builtinModels } from '../../src/models/builtin.js'
import { ModelRegistry } from '../../src/models/registry.js'
import { scanRepository } from '../../src/models/repository.js'
import { onnxLoader } from '../../src/runtime/onnx/session.js'

export async function appWith(
  options: { repository?: string; builtins?: boolean } & Omit<AppOptions, 'registry'>,
) {
  const registry = new ModelRegistry({ loader: onnxLoader() })
  if (options.builtins ?? true) registry.add(builtinModels().filter((m) => m.name === 'simplenet'))
  if (options.repository) registry.add((await scanRepository(options.repository)).models)
  await registry.loadAll()
  const errors: unknown[] = []
  const app = createApp({ ...options, registry, log: { error: (_m, fields) => errors.push(fields) } })
  return { app, registry, errors }
}

/** Sends JSON (or a raw string) to the in-process app and returns status, headers and parsed body. */
export async function send(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  method: string,
  path: string,
  body?: unknown,
) {
  const init: RequestInit = { method }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    init.headers = { 'content-type': 'application/json' }
  }
  const response = await app.request(`http://localhost${path}`, init)
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  }
}
