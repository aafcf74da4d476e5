import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { renderValidators, validatorsPath } from '../scripts/generate-validators.js'

describe('generated code', () => {
  it('the request validators are fresh against the contract (run `pnpm generate` if not)', async () => {
    const committed = await readFile(validatorsPath, 'utf8')
    expect(
      committed === (await renderValidators()),
      'src/generated/validators.js is stale: run `pnpm generate`',
    ).toBe(true)
  })
})
