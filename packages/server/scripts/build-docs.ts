/**
 * `pnpm build:docs`: writes the API reference as one self-contained HTML file (default
 * `docs/index.html`, or `--out <file>`): the contract and Scalar's script are inlined, so the page
 * renders from `file://` with no network.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { scalarConfiguration } from '../src/endpoints/docs.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const contractPath = resolve(root, 'openapi/openapi.yaml')
export const defaultOutput = resolve(root, 'docs/index.html')

/** The reference page for `contract`, with Scalar's bundle (`script`) inlined. */
export function renderReferencePage(contract: unknown, script: Uint8Array): string {
  // In inline JSON, `<` can only sit inside strings, where \u003c reads the same and cannot end the script.
  const configuration = JSON.stringify({ ...scalarConfiguration, content: contract }).replaceAll(
    '<',
    '\\u003c',
  )
  // The bundle goes in as a data: URL, so nothing in its text can end the script element early.
  const source = `data:text/javascript;base64,${Buffer.from(script).toString('base64')}`
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${scalarConfiguration.pageTitle}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${source}"></script>
    <script>
      Scalar.createApiReference('#app', ${configuration})
    </script>
  </body>
</html>
`
}

/** Builds the page from openapi/openapi.yaml and writes it to `output`; returns its size in bytes. */
export async function buildDocs(output: string = defaultOutput): Promise<number> {
  const contract = parse(await readFile(contractPath, 'utf8'))
  const scriptPath = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')
  const page = renderReferencePage(contract, await readFile(scriptPath))
  await mkdir(dirname(output), { recursive: true })
  await writeFile(output, page)
  return Buffer.byteLength(page)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flag = process.argv.indexOf('--out')
  const given = flag === -1 ? defaultOutput : process.argv[flag + 1]
  if (!given) {
    console.error('Usage: build-docs [--out <file.html>]')
    process.exit(2)
  }
  const output = resolve(given)
  const bytes = await buildDocs(output)
  console.log(`wrote ${relative(process.cwd(), output)} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`)
}
