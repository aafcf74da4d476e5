/**
 * Compiles the contract's request schemas into standalone validators (`src/generated/validators.js`),
 * so the server validates against the contract without compiling code at run time (Workers forbid it).
 * `--check` exits non-zero when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020.js'
import standaloneCode from 'ajv/dist/standalone/index.js'
import { parse } from 'yaml'

const contractPath = fileURLToPath(new URL('../../../openapi/openapi.yaml', import.meta.url))
export const validatorsPath = fileURLToPath(new URL('../src/generated/validators.js', import.meta.url))

// ajv is CommonJS: under Node's ESM loader its default export sits one level down.
const interop = <T>(module: T): T => (module as { default?: T }).default ?? module

/** The schemas that request bodies are checked against, by export name. */
export const validated = [
  'InferenceRequest',
  'InferenceRequestHeader',
  'ChatCompletionRequest',
  'EmbeddingsRequest',
  'OcrJsonRequest',
  'RepositoryIndexRequest',
  'RepositoryModelRequest',
  'RolloutSettings',
  'FeedbackRequest',
] as const

export async function renderValidators(): Promise<string> {
  const contract = parse(await readFile(contractPath, 'utf8'))
  // strict: false lets OpenAPI's own keywords (example, discriminator) sit beside JSON Schema's.
  const ajv = new (interop(Ajv2020))({ code: { source: true, esm: true }, strict: false, allErrors: false })
  ajv.addSchema(contract, 'contract')
  const refs = Object.fromEntries(validated.map((name) => [name, `contract#/components/schemas/${name}`]))
  const code = interop(standaloneCode)(ajv, refs)
  return `// Generated from openapi/openapi.yaml by scripts/generate-validators.ts. Do not edit: run \`pnpm generate\`.\n// @ts-nocheck\n${code}\n`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = await renderValidators()
  if (process.argv.includes('--check')) {
    const committed = await readFile(validatorsPath, 'utf8').catch(() => '')
    if (committed !== fresh) {
      console.error(`${validatorsPath} is stale: run \`pnpm generate\`.`)
      process.exit(1)
    }
  } else {
    await writeFile(validatorsPath, fresh)
    console.log(`wrote ${validatorsPath}`)
  }
}
