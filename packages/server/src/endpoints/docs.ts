/** `GET /openapi.json` (the contract) and `GET /docs`, the interactive reference rendered by Scalar. */
import { Scalar } from '@scalar/hono-api-reference'
import { Hono } from 'hono'
import { accepts } from 'hono/accepts'
import { contractJson } from '../generated/contract.js'

export interface DocsOptions {
  /**
   * Loads Scalar's browser bundle (`@scalar/api-reference/browser/standalone.js`), served at
   * `/docs/scalar.js` so the page needs no CDN. Called once, on the first request for it.
   */
  script: () => Promise<Uint8Array>
}

/** Scalar's settings for a reference that works with no network beyond this server. */
export const scalarConfiguration = {
  pageTitle: 'modelport API reference',
  // Scalar's default fonts come from fonts.scalar.com; the system fonts work offline.
  withDefaultFonts: false,
  telemetry: false,
  // The toolbar's Share and Deploy upload the contract to Scalar's registry; the agent chat calls Scalar.
  showDeveloperTools: 'never',
  agent: { disabled: true },
  defaultOpenAllTags: true,
} as const

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** The contract at `/openapi.json`; with `options`, the reference at `/docs` and its script. */
export function docsRoutes(options?: DocsOptions) {
  const routes = new Hono()
  routes.get('/openapi.json', (c) =>
    c.body(contractJson, 200, { 'content-type': 'application/json; charset=utf-8' }),
  )
  if (!options) return routes

  // The bundle is 3.5 MB; compressed once, it travels as about a quarter of that.
  let script: Promise<{ plain: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer> }> | undefined
  const loadScript = () => {
    if (!script) {
      script = options.script().then(async (bytes) => {
        const plain = new Uint8Array(bytes)
        return { plain, gzip: await gzip(plain) }
      })
      script.catch(() => {
        script = undefined
      })
    }
    return script
  }

  // Relative URLs, so the page also works when the server is mounted under a path prefix.
  routes.get('/docs', Scalar({ ...scalarConfiguration, url: 'openapi.json', cdn: 'docs/scalar.js' }))
  // `/docs/` would resolve the page's relative URLs under /docs/: send the browser to `/docs` instead.
  routes.get('/docs/', (c) => c.redirect('../docs', 301))
  routes.get('/docs/scalar.js', async (c) => {
    const { plain, gzip: gzipped } = await loadScript()
    const encoding = accepts(c, { header: 'Accept-Encoding', supports: ['gzip'], default: 'identity' })
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=3600')
    c.header('vary', 'accept-encoding')
    if (encoding !== 'gzip') return c.body(plain)
    c.header('content-encoding', 'gzip')
    return c.body(gzipped)
  })
  return routes
}
