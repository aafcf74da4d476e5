/**
 * The built edge bundle as a module Worker in workerd (Miniflare 3), with bindings, and what it wrote
 * to its stdout and stderr.
 */
import { dirname } from 'node:path'
import type { Readable } from 'node:stream'
import { Miniflare } from 'miniflare'
import type { EdgeBundle } from './edge-bundle.js'

export interface EdgeWorker {
  fetch(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): ReturnType<Miniflare['dispatchFetch']>
  /** POSTs `body` as JSON. */
  post(path: string, body: unknown, headers?: Record<string, string>): ReturnType<Miniflare['dispatchFetch']>
  /** Every line the Worker has logged so far. */
  output(): string
  dispose(): Promise<void>
}

export async function startEdgeWorker(
  bundle: EdgeBundle,
  bindings: Record<string, string>,
  compatibilityDate = '2025-07-01',
): Promise<EdgeWorker> {
  let output = ''
  const capture = (stdout: Readable, stderr: Readable) => {
    for (const stream of [stdout, stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()))
  }
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: bundle.path,
    // Module names are paths below this folder; the bundle sits outside the working one.
    modulesRoot: dirname(bundle.path),
    compatibilityDate,
    handleRuntimeStdio: capture,
    bindings,
  })
  await miniflare.ready
  const fetch: EdgeWorker['fetch'] = (path, init) => miniflare.dispatchFetch(`http://edge.test${path}`, init)
  return {
    fetch,
    post: (path, body, headers = {}) =>
      fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    output: () => output,
    dispose: () => miniflare.dispose(),
  }
}
