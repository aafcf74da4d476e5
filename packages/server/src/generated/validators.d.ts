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
export declare const InferenceRequestHeader: Validator
export declare const ChatCompletionRequest: Validator
export declare const EmbeddingsRequest: Validator
export declare const OcrJsonRequest: Validator
export declare const RepositoryIndexRequest: Validator
export declare const RepositoryModelRequest: Validator
export declare const RolloutSettings: Validator
export declare const FeedbackRequest: Validator
