import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { contractModulePath, renderContractModule } from '../../scripts/generate-contract.js'
import { appWith } from '../support/app.js'
import { contract } from './operations.js'

describe('/openapi.json', () => {
  it('is generated from the current contract (run `pnpm generate` if not)', async () => {
    const committed = await readFile(contractModulePath, 'utf8')
    expect(committed === (await renderContractModule()), 'src/generated/contract.ts is stale').toBe(true)
  })

  it('serves the contract as JSON, with or without the docs page', async () => {
    const { app } = await appWith({ builtins: false })
    const response = await app.request('http://localhost/openapi.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual(contract)
    expect((await app.request('http://localhost/docs')).status).toBe(404)
  })
})

describe('/docs', () => {
  const script = new TextEncoder().encode(
    `window.Scalar = { createApiReference() {} } // ${'x'.repeat(5000)}`,
  )

  it('serves a page that loads Scalar and the contract from this server, not a CDN', async () => {
    const { app } = await appWith({ builtins: false, docs: { script: async () => script } })
    const response = await app.request('http://localhost/docs')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toContain('<script src="docs/scalar.js">')
    expect(page).toContain('"url": "openapi.json"')
    expect(page).toContain('"withDefaultFonts": false')
    expect(page).not.toMatch(/https?:\/\//)
  })

  it('serves the script gzipped to clients that accept it, and loads it once', async () => {
    let loads = 0
    const docs = {
      script: async () => {
        loads++
        return script
      },
    }
    const { app } = await appWith({ builtins: false, docs })
    const gzipped = await app.request('http://localhost/docs/scalar.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    })
    expect(gzipped.headers.get('content-encoding')).toBe('gzip')
    expect(gzipped.headers.get('content-type')).toMatch(/^text\/javascript/)
    const compressed = new Uint8Array(await gzipped.arrayBuffer())
    expect(compressed.length).toBeLessThan(script.length / 10)
    expect(new Uint8Array(gunzipSync(compressed))).toEqual(script)

    const plain = await app.request('http://localhost/docs/scalar.js', {
      headers: { 'accept-encoding': 'identity' },
    })
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(new Uint8Array(await plain.arrayBuffer())).toEqual(script)
    expect(loads).toBe(1)
  })

  it('tries to load the script again after a failed load', async () => {
    let loads = 0
    const docs = {
      script: async () => {
        loads++
        if (loads === 1) throw new Error('disk hiccup')
        return script
      },
    }
    const { app, errors } = await appWith({ builtins: false, docs })
    const failed = await app.request('http://localhost/docs/scalar.js')
    expect(failed.status).toBe(500)
    expect(await failed.text()).not.toContain('disk hiccup')
    expect(errors).toHaveLength(1)
    expect((await app.request('http://localhost/docs/scalar.js')).status).toBe(200)
  })
})
