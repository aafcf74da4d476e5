// Types for the generated standalone validators (ajv's standalone output).
export interface ValidationError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}
export interface Validator {
  (data: unknown): boolean
  errors?: ValidationError[] | null
}
export declare const InferenceRequest: Validator
