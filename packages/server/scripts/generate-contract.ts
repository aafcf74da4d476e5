/**
 * Writes the contract as JSON text into `src/generated/contract.ts`, so the app serves `/openapi.json`
 * without reading openapi.yaml from disk (the edge build has no disk). `--check` exits non-zero when
 * the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const contractPath = fileURLToPath(new URL('../../../openapi/openapi.yaml', import.meta.url))
export const contractModulePath = fileURLToPath(new URL('../src/generated/contract.ts', import.meta.url))

/** The module's source: the contract, parsed from YAML and serialized as one JSON string. */
export async function renderContractModule(): Promise<string> {
  const json = JSON.stringify(parse(await readFile(contractPath, 'utf8')))
  return [
    '// Generated from openapi/openapi.yaml by scripts/generate-contract.ts. Do not edit: run `pnpm generate`.',
    '',
    '/** The contract (openapi/openapi.yaml) as JSON text, served at `/openapi.json`. */',
    `export const contractJson: string = ${JSON.stringify(json)}`,
    '',
  ].join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = await renderContractModule()
  if (process.argv.includes('--check')) {
    const committed = await readFile(contractModulePath, 'utf8').catch(() => '')
    if (committed !== fresh) {
      console.error(`${contractModulePath} is stale: run \`pnpm generate\`.`)
      process.exit(1)
    }
  } else {
    await writeFile(contractModulePath, fresh)
    console.log(`wrote ${contractModulePath}`)
  }
}
