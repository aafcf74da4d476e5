import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { generatedPath, renderTypes } from '../scripts/generate'

describe('src/generated/openapi.ts', () => {
  it('is what openapi-typescript renders from openapi/openapi.yaml today', async () => {
    const [fresh, committed] = await Promise.all([renderTypes(), readFile(generatedPath, 'utf8')])
    // A plain boolean, so a stale file fails with the fix rather than a thousand-line diff.
    expect(committed === fresh, `${generatedPath} is stale: run \`pnpm generate\`.`).toBe(true)
  })
})
