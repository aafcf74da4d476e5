/**
 * Opens the reference in headless Chromium with every request beyond loopback and local files cut
 * off, and checks that each operation of the contract is shown: `/docs` from a running server, and
 * the static file `pnpm build:docs` writes. Any attempt to reach the network fails the test.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDocs } from '../../scripts/build-docs.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { operations } from './operations.js'

// Debian's `chromium` package; .ci/run installs it.
const chromiumPath = process.env.MODELPORT_CHROMIUM ?? '/usr/bin/chromium'
const hasChromium = existsSync(chromiumPath)
const title = hasChromium
  ? 'the API reference in headless Chromium, offline'
  : `the API reference in headless Chromium (skipped: no Chromium at ${chromiumPath}; apt-get install chromium)`

const summaries = operations.map(({ operation }) => operation.summary ?? operation.operationId)
const silent = { info() {}, warn() {}, error() {} }

/** Runs in the page: the text of every visible heading. */
function visibleHeadings(): string[] {
  return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((heading) => heading.checkVisibility())
    .map((heading) => heading.textContent?.trim() ?? '')
}

interface Rendered {
  /** Operations whose summary is not a visible heading. */
  missing: string[]
  /** Requests that tried to leave the machine. */
  external: string[]
  errors: string[]
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser | undefined
  let server: RunningServer | undefined
  let dir = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelport-docs-'))
    ;[browser, server] = await Promise.all([
      chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
      startServer({ port: 0, builtins: false, modelsDir: join(dir, 'models'), log: silent }),
    ])
  }, 20_000)

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()])
    await rm(dir, { recursive: true, force: true })
  })

  async function render(url: string): Promise<Rendered> {
    if (!browser) throw new Error('Chromium did not start')
    // launch() gives each browser a fresh profile; a new context adds no state of its own.
    const context = await browser.newContext({ serviceWorkers: 'block' })
    const external: string[] = []
    await context.route('**', (route) => {
      const { protocol, hostname, href } = new URL(route.request().url())
      if (
        protocol === 'file:' ||
        protocol === 'data:' ||
        hostname === '127.0.0.1' ||
        hostname === 'localhost'
      ) {
        return route.continue()
      }
      external.push(href)
      return route.abort('internetdisconnected')
    })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(url)
      // Scalar renders sections progressively: poll until every operation is there, or give up.
      const deadline = Date.now() + 15_000
      while (Date.now() < deadline) {
        const shown = new Set(await page.evaluate(visibleHeadings))
        if (summaries.every((summary) => shown.has(summary))) break
        await page.waitForTimeout(250)
      }
      // Late requests (fonts, images) would come now; the page must stay quiet.
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {})
      const shown = new Set(await page.evaluate(visibleHeadings))
      return { missing: summaries.filter((summary) => !shown.has(summary)), external, errors }
    } finally {
      await context.close()
    }
  }

  it('serves /docs with its own script and shows every operation', async () => {
    if (!server) throw new Error('the server did not start')
    const rendered = await render(`${server.url}/docs`)
    expect(rendered).toEqual({ missing: [], external: [], errors: [] })
  })

  it('`pnpm build:docs` writes one HTML file that shows every operation from file://', async () => {
    const file = join(dir, 'index.html')
    await buildDocs(file)
    const rendered = await render(pathToFileURL(file).href)
    expect(rendered).toEqual({ missing: [], external: [], errors: [] })
  })
})
