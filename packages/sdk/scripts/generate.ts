/**
 * Generates `src/generated/openapi.ts` from the contract with openapi-typescript.
 * `--check` exits non-zero when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

export const contractPath = fileURLToPath(new URL('../../../openapi/openapi.yaml', import.meta.url))
export const generatedPath = fileURLToPath(new URL('../src/generated/openapi.ts', import.meta.url))

const header = `// Generated from openapi/openapi.yaml by openapi-typescript. Do not edit: run \`pnpm generate\`.
/* eslint-disable */
`

export async function renderTypes(): Promise<string> {
  const ast = await openapiTS(new URL(`file://${contractPath}`), {
    exportType: false,
    // A default is what the server assumes when a field is left out: the field stays optional.
    defaultNonNullable: false,
  })
  return header + astToString(ast)
}

async function main(): Promise<void> {
  const fresh = await renderTypes()
  if (process.argv.includes('--check')) {
    const committed = await readFile(generatedPath, 'utf8').catch(() => '')
    if (committed !== fresh) {
      console.error(`${generatedPath} is stale: run \`pnpm generate\`.`)
      process.exit(1)
    }
    return
  }
  await writeFile(generatedPath, fresh)
  console.log(`wrote ${generatedPath}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
