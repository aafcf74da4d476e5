#!/usr/bin/env node
// @ts-check
/**
 * `modelport-gen-client --url <server> --out <file.ts>`: writes typed functions for the models a running
 * modelport server has deployed. The work is `generateModels` from `@modelport/sdk/codegen`.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { generateModels } from '@modelport/sdk/codegen'

const usage = `Usage: modelport-gen-client --url <server> --out <file.ts> [--api-key <key>] [--sdk <module>]

  --url      the modelport server to read the deployed models from, e.g. http://localhost:8080
  --out      the TypeScript file to write
  --api-key  the key to send (default: MODELPORT_API_KEY)
  --sdk      the module the file imports the SDK from (default: @modelport/sdk)`

/** @param {string[]} args */
async function main(args) {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      out: { type: 'string' },
      'api-key': { type: 'string' },
      sdk: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help || !values.url || !values.out) {
    console.error(usage)
    return values.help ? 0 : 2
  }
  const { source, skipped } = await generateModels({
    baseUrl: values.url,
    apiKey: values['api-key'],
    sdkImport: values.sdk,
  })
  const out = resolve(values.out)
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, source)
  for (const { id, reason } of skipped) console.error(`skipped ${id}: ${reason}`)
  console.error(`wrote ${out}`)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (/** @type {unknown} */ error) => {
    console.error(`modelport-gen-client: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
