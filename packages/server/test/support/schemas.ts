/** Validates values against one of the contract's component schemas (compiled by ajv from openapi.yaml). */
import Ajv2020 from 'ajv/dist/2020.js'
import { contract } from './contract.js'

const interop = <T>(module: T): T => (module as { default?: T }).default ?? module
const ajv = new (interop(Ajv2020))({ strict: false, allErrors: true })
ajv.addSchema(contract as object, 'schemas')

export function assertSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`schemas#/components/schemas/${name}`)
  if (!validate) throw new Error(`The contract has no schema ${name}.`)
  if (!validate(value)) {
    throw new Error(
      `Not a ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 400)}`,
    )
  }
}
