/** The request and answer types of the client's methods, from the generated contract. */
import type { components, operations } from './generated/openapi.js'
import type { Body, Json, Query } from './operation-types.js'
import type { BinaryInput } from './uploads.js'

type Schemas = components['schemas']
export type Model = Schemas['Model']
export type ModelList = Schemas['ModelList']
export type ModelMetadata = Schemas['ModelMetadata']
export type ServerMetadata = Schemas['ServerMetadata']
export type ChatCompletionRequest = Body<operations['createChatCompletion']>
export type ChatCompletion = Json<operations['createChatCompletion']>
export type ChatCompletionChunk = Schemas['ChatCompletionChunk']
export type EmbeddingsRequest = Body<operations['createEmbeddings']>
export type EmbeddingsResponse = Json<operations['createEmbeddings']>
export type OcrResponse = Json<operations['recognizeText']>
export type VadResponse = Json<operations['detectVoiceActivity']>
/** `recognize()` takes the image's bytes, or its base64 (optionally as a `data:` URL). */
export type OcrRequest = { image: BinaryInput | string } & Query<operations['recognizeText']>
/** `vad()` takes a WAV file's bytes. */
export type VadRequest = { audio: BinaryInput } & Query<operations['detectVoiceActivity']>
