// Generated from openapi/openapi.yaml by openapi-typescript. Do not edit: run `pnpm generate`.
/* eslint-disable */
export interface paths {
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List models
         * @description Every model this server can serve, local or routed, with its task, backends and versions.
         */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /** Retrieve a model */
        get: operations["retrieveModel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a chat completion
         * @description OpenAI-compatible chat completions, served by the route named in `model`: its targets are tried
         *     in order (or by weight), falling back on connection errors, timeouts, 408, 429 and 5xx, never on
         *     a client error. With `stream: true` the answer is a stream of server-sent events, one
         *     `chat.completion.chunk` per `data:` line, ending with `data: [DONE]`. A failure after the first
         *     byte ends the stream with an `event: error` whose data is the error object, never silently.
         *     Fields this contract does not name are passed through to the provider.
         */
        post: operations["createChatCompletion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/embeddings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create embeddings
         * @description OpenAI-compatible embeddings from a local model (a repository model with task `embeddings`) or a
         *     route. Every target of a route gives the same vector space, so a fallback never mixes spaces.
         */
        post: operations["createEmbeddings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ocr": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Recognize text in an image
         * @description PP-OCRv4 text detection, orientation classification and recognition (Chinese and English).
         *     Send the image as the raw body (`image/png`, `image/jpeg`, `image/webp`), as multipart field
         *     `image`, or as base64 in JSON. Lines come back in reading order; `box` is four corner points
         *     (top-left, top-right, bottom-right, bottom-left) in image pixels. An image over the server's
         *     limits (by default 20 MiB, or 40 million pixels as its header declares) is refused with a 413
         *     before it is decoded.
         */
        post: operations["recognizeText"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/vad": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find speech in audio
         * @description Silero voice activity detection. Send a WAV file (16-bit PCM or 32-bit float, mono or stereo,
         *     any common sample rate: it is mixed down and resampled to 16 kHz) as the raw body (`audio/wav`)
         *     or as multipart field `audio`. Times are in seconds.
         */
        post: operations["detectVoiceActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server metadata
         * @description The server's name, version and the protocol extensions it supports.
         */
        get: operations["serverMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server liveness */
        get: operations["serverLive"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server readiness
         * @description 200 once every model the server serves at start-up is loaded; 503 until then, and again from the moment the server starts shutting down, so load balancers stop sending to it.
         */
        get: operations["serverReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /**
         * Model metadata
         * @description The served (highest) version's inputs and outputs, read from the model itself. `-1` marks a dynamic dimension.
         */
        get: operations["modelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        /** Model version metadata */
        get: operations["modelVersionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /** Model readiness */
        get: operations["modelReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        /** Model version readiness */
        get: operations["modelVersionReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run inference
         * @description Runs the served (highest) version of the model on the given tensors.
         */
        post: operations["modelInfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send ground truth for an answer
         * @description Ground truth for an earlier inference request, named by its `x-request-id` (send your own id in
         *     that header with the request, or read the one the server gave): one `label` per row (a class
         *     index, compared with the index of the row's largest element in the answer's first output, or
         *     with the output itself when it is an integer), one `value` per element of the first output, or
         *     a `score` of the answer. It counts toward the live quality of the version that answered —
         *     accuracy, mean absolute and root mean squared error, mean score — in the statistics extension
         *     and `/metrics`. When a shadow version was sent a copy of the request, its answer is scored too,
         *     into the shadow version's quality. An answer waits for its feedback for a limited time (10 minutes by default) and
         *     takes one feedback; 404 after that, for an id that was never answered by this model, and for a
         *     model whose `model.json` does not ask for feedback (`"feedback": true`, or
         *     `{ "window_ms": 600000, "capacity": 20000 }`), since keeping answers takes memory.
         */
        post: operations["modelFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run inference on a version */
        post: operations["modelVersionInfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/index": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * List the model repository
         * @description Model repository extension (`model_repository`): every version of every model this server has,
         *     with its state, and the models in the repository folder that are not loaded. `READY` includes
         *     versions released when idle (`reason` says so): the next request loads them. Like loading and
         *     unloading, this needs an admin key when the server has API keys.
         */
        post: operations["repositoryIndex"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{model}/load": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Load or reload a model
         * @description Reads the model's folder in the repository again (or its built-in files) and loads what is new
         *     or changed: a new version folder, a replaced `model.onnx`, a changed `model.json`, or versions
         *     not in memory. Requests keep flowing meanwhile: the newest version becomes the served one only
         *     once it is loaded, and the version it replaces finishes its requests in flight before it is
         *     released. Answers once the loading is done. A model whose folder is gone is removed. When the
         *     server has API keys this needs an admin key (`admin: true` in the config file's `auth.keys`, or
         *     one of `MODELPORT_ADMIN_API_KEYS`); any other key is refused with a 403.
         */
        post: operations["repositoryModelLoad"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{model}/unload": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unload a model
         * @description Releases every version of the model once its requests in flight have finished, then answers.
         *     Until it is loaded again, its requests are answered 503. When the server has API keys this needs
         *     an admin key; any other key is refused with a 403 and the model goes on serving.
         */
        post: operations["repositoryModelUnload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{model}/rollout": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /**
         * Read a model's rollout
         * @description Which version takes the model's unpinned requests (`stable`), the canary that answers a weight of
         *     them, the shadow that is sent a copy of a share of them, the automatic rollback thresholds, each
         *     candidate's runs in the current window, and the last rollback. Requests that name a version are
         *     never redirected. Needs an admin key once the server has keys.
         */
        get: operations["repositoryModelRollout"];
        /**
         * Start or change a model's rollout
         * @description Sends `canary.weight` of the model's unpinned requests to the canary version, and copies
         *     `shadow.share` of the stable version's requests to the shadow version (its answers are dropped,
         *     its runs counted in the metrics). Without `stable`, the version served now stays stable. With
         *     `rollback`, a candidate whose failure rate or 99th percentile run time over `window_ms` crosses
         *     a threshold is rolled back by itself. Takes effect for the next request; requests in flight
         *     finish on the version they started on. The same object may be written as `rollout` in the
         *     model's `model.json`. Needs an admin key once the server has keys.
         */
        put: operations["repositoryModelSetRollout"];
        post?: never;
        /**
         * End a model's rollout
         * @description Forgets the rollout: unpinned requests go to the newest version that takes requests again.
         *     Needs an admin key once the server has keys.
         */
        delete: operations["repositoryModelClearRollout"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{model}/rollout/promote": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Promote the candidate
         * @description Makes the canary (or, without one, the shadow) the stable version: it takes every unpinned request
         *     from the next one on. The version it replaces stays loaded for requests that name it. 400 when
         *     the model has no candidate. Needs an admin key once the server has keys.
         */
        post: operations["repositoryModelPromote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/repository/models/{model}/rollout/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll the candidate back
         * @description Takes the canary and the shadow out of the rollout: the stable version takes every unpinned
         *     request from the next one on. The candidates stay loaded for requests that name them. 400 when
         *     the model has no candidate. Needs an admin key once the server has keys.
         */
        post: operations["repositoryModelRollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics of every model
         * @description Statistics extension (`statistics`) for every version of every model, since the server started.
         *     Read-only, so any valid key may read it, like the other statistics operations; only the
         *     repository operations need an admin key.
         */
        get: operations["allModelStatistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /**
         * Statistics of a model
         * @description Statistics for every version of the model.
         */
        get: operations["modelStatistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        /** Statistics of a model version */
        get: operations["modelVersionStatistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Prometheus metrics
         * @description The Prometheus text exposition (format 0.0.4) of this server: requests by route, model, target and
         *     status with their latency; upstream attempts, fallbacks, retries and circuit states; rate-limit
         *     refusals; batcher queue depth and batch sizes; ONNX Runtime compute time; process metrics. When
         *     the server has API keys this needs one too, unless the config sets `auth.publicMetrics: true`.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the contract
         * @description This document as JSON (OpenAPI 3.1): the SDK's types and the server's request validators are
         *     generated from it, and the reference at `/docs` renders it.
         */
        get: operations["getContract"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Open the API reference
         * @description This reference, interactive: the server serves the page and its script, so it works with no
         *     network beyond the server. `pnpm build:docs` writes the same reference as one static HTML file.
         */
        get: operations["getApiReference"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ModelName: string;
        ModelVersion: string;
        /**
         * @description What the model does. `raw` models are called with tensors through `/v2`.
         * @enum {string}
         */
        Task: "raw" | "embeddings" | "ocr" | "vad" | "chat";
        /**
         * @description `unloaded`: not in memory (released after its keep-alive, or unloaded on request); after a release the next request loads it again.
         * @enum {string}
         */
        ModelState: "loading" | "ready" | "unloaded" | "unavailable";
        Model: {
            /** @description The model name to call it by. */
            id: string;
            /** @constant */
            object: "model";
            /** @description Unix time (seconds) the model was first seen by this server. */
            created: number;
            owned_by: string;
            task: components["schemas"]["Task"];
            /** @description Where answers come from, in routing order. */
            backends: string[];
            /** @description Available versions, newest last. The newest is served unless a version is asked for. */
            versions: components["schemas"]["ModelVersion"][];
            state: components["schemas"]["ModelState"];
        };
        ModelList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Model"][];
        };
        V1Error: {
            error: {
                message: string;
                /** @description Error class: invalid_request_error, authentication_error, not_found_error, server_error, … */
                type: string;
                /** @description A stable, machine-readable code. */
                code: string | null;
                /** @description The request field the error is about, if any. */
                param: string | null;
            };
        };
        V2Error: {
            error: string;
        };
        ServerMetadata: {
            name: string;
            version: string;
            extensions: string[];
        };
        LiveResponse: {
            live: boolean;
        };
        ReadyResponse: {
            ready: boolean;
        };
        ModelReadyResponse: {
            name: string;
            version?: components["schemas"]["ModelVersion"];
            ready: boolean;
        };
        RepositoryIndexRequest: {
            /**
             * @description Only the versions that take requests.
             * @default false
             */
            ready?: boolean;
        };
        RepositoryIndexEntry: {
            name: string;
            version?: components["schemas"]["ModelVersion"];
            /**
             * @description `READY`: takes requests (loaded, or released when idle and loaded by the next request); `LOADING`; `UNAVAILABLE`: failed to load, unloaded on request, or in the repository but not loaded.
             * @enum {string}
             */
            state: "READY" | "LOADING" | "UNAVAILABLE";
            /** @description Why it is in this state, when that needs saying. */
            reason: string;
        };
        RepositoryIndex: components["schemas"]["RepositoryIndexEntry"][];
        RepositoryModelRequest: {
            parameters?: components["schemas"]["Parameters"];
        };
        /** @description Empty on success. */
        RepositoryModelResponse: Record<string, never>;
        /** @description A version number, as a string or a number. */
        RolloutVersion: components["schemas"]["ModelVersion"] | number;
        /** @description How the model's unpinned requests are split between its versions (also `model.json` `rollout`). */
        RolloutSettings: {
            /** @description The version unpinned requests go to; without it, the version served when the rollout starts. */
            stable?: components["schemas"]["RolloutVersion"];
            canary?: {
                version: components["schemas"]["RolloutVersion"];
                /** @description The share of unpinned requests it answers. */
                weight: number;
            };
            shadow?: {
                version: components["schemas"]["RolloutVersion"];
                /** @description The share of the stable version's requests also run on it; its answers are dropped. */
                share: number;
            };
            /** @description Roll a candidate back by itself once a threshold is crossed over the window. */
            rollback?: {
                window_ms: number;
                max_error_rate?: number;
                max_p99_ms?: number;
                /**
                 * @description Runs in the window before a threshold is judged.
                 * @default 20
                 */
                min_requests?: number;
            };
        };
        Rollout: {
            model: string;
            stable?: components["schemas"]["ModelVersion"];
            canary?: {
                version: components["schemas"]["ModelVersion"];
                weight: number;
            };
            shadow?: {
                version: components["schemas"]["ModelVersion"];
                share: number;
            };
            rollback?: {
                window_ms: number;
                max_error_rate?: number;
                max_p99_ms?: number;
                min_requests: number;
            };
            /** @description Each candidate's runs and failures within the rollback window now. */
            windows: {
                version: components["schemas"]["ModelVersion"];
                runs: number;
                failures: number;
            }[];
            last_rollback?: {
                version: components["schemas"]["ModelVersion"];
                /** @enum {string} */
                reason: "error_rate" | "p99_latency" | "manual";
                message: string;
                /** @description When, in ms since the epoch. */
                at: number;
            };
        };
        /** @description Exactly one of `label`, `value` and `score`. */
        FeedbackRequest: {
            /** @description The `x-request-id` of the answered request (1 to 255 characters). */
            id: string;
            /** @description The true class of each row, as indices. */
            label?: number | number[];
            /** @description The true value of each element of the first output, row-major. */
            value?: number | number[];
            /** @description A score of the answer, on the caller's scale (e.g. 0–1). */
            score?: number;
        };
        FeedbackResponse: {
            model_name: string;
            model_version: components["schemas"]["ModelVersion"];
            id: string;
            rows: number;
            /** @description For labels, how many rows the answer got right. */
            correct?: number;
            /** @description For values, this answer's mean absolute error. */
            mean_absolute_error?: number;
            score?: number;
        };
        /** @description Live quality of the version from the feedback received so far; a figure is left out until feedback of its kind came. */
        ModelQuality: {
            /** @description Rows labelled. */
            labels: number;
            accuracy?: number;
            /** @description Elements given a true value. */
            values: number;
            mean_absolute_error?: number;
            root_mean_squared_error?: number;
            scores: number;
            mean_score?: number;
        };
        /**
         * @description One input's values against the reference recorded from the first values this version was sent
         *     (10 000 by default, at most 1024 per request); `out_of_range` is the share of later values outside
         *     the reference's 1st–99th percentile range (about 0.02 when nothing drifted).
         */
        InputDrift: {
            name: string;
            reference?: {
                count: number;
                mean: number;
                std: number;
                /** @description The 1st percentile. */
                low: number;
                /** @description The 99th percentile. */
                high: number;
            };
            live: {
                count: number;
                mean: number;
                std: number;
            };
            out_of_range: number;
        };
        DurationStatistic: {
            count: number;
            /** @description Cumulative nanoseconds. */
            ns: number;
        };
        /**
         * @description Per request (the `compute_*` counts are the successful requests). A request served in a dynamic
         *     batch counts the whole batch's `compute_*` times, as in Triton.
         */
        InferenceStatistics: {
            /** @description Requests answered, and their time from decoding their tensors to encoding the response's. */
            success: components["schemas"]["DurationStatistic"];
            /** @description Requests the runtime failed, and their time until it did. */
            fail: components["schemas"]["DurationStatistic"];
            /**
             * @description Time waiting: in the dynamic batcher's queue, and for the version to load when a request
             *     found it released.
             */
            queue: components["schemas"]["DurationStatistic"];
            /**
             * @description Time preparing the input tensors: decoding the JSON or binary body's tensors, stacking a
             *     dynamic batch, and building the runtime's tensors.
             */
            compute_input: components["schemas"]["DurationStatistic"];
            /** @description Time executing the model. */
            compute_infer: components["schemas"]["DurationStatistic"];
            /**
             * @description Time extracting the outputs: converting the runtime's tensors, splitting a batch's rows
             *     among its requests, and encoding the response's tensors.
             */
            compute_output: components["schemas"]["DurationStatistic"];
        };
        /**
         * @description Executions of one batch size (rows run together); each duration's `count` is the number of
         *     executions. The times are the runtime's side only: stacking and building its input tensors,
         *     executing, converting its outputs and splitting the batch's rows.
         */
        BatchStatistics: {
            batch_size: number;
            compute_input: components["schemas"]["DurationStatistic"];
            compute_infer: components["schemas"]["DurationStatistic"];
            compute_output: components["schemas"]["DurationStatistic"];
        };
        ModelStatistics: {
            name: string;
            version: components["schemas"]["ModelVersion"];
            /** @description When the last request finished, in ms since the epoch (0: never). */
            last_inference: number;
            /** @description Rows inferred successfully (a batch of 8 counts 8). */
            inference_count: number;
            /** @description Successful model runs; one run can serve a dynamic batch of requests. */
            execution_count: number;
            inference_stats: components["schemas"]["InferenceStatistics"];
            /** @description Each batch size executed, smallest first; empty before the first execution. */
            batch_stats: components["schemas"]["BatchStatistics"][];
            quality?: components["schemas"]["ModelQuality"];
            /** @description Each numeric input's drift from the reference recorded when this version began serving. */
            input_drift?: components["schemas"]["InputDrift"][];
        };
        StatisticsResponse: {
            model_stats: components["schemas"]["ModelStatistics"][];
        };
        /**
         * @description Open Inference Protocol tensor datatype. FP16 travels as JSON numbers, BYTES as strings and
         *     BOOL as booleans. BF16 is refused with a 400: ONNX Runtime for Node cannot carry it.
         * @enum {string}
         */
        Datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES" | "BF16";
        TensorMetadata: {
            name: string;
            datatype: components["schemas"]["Datatype"];
            /** @description Dimensions; `-1` marks a dynamic one. */
            shape: number[];
        };
        ModelMetadata: {
            name: string;
            versions: components["schemas"]["ModelVersion"][];
            /** @description `onnx_onnxv1` for ONNX models. */
            platform: string;
            inputs: components["schemas"]["TensorMetadata"][];
            outputs: components["schemas"]["TensorMetadata"][];
        };
        /** @description One element. Numbers for numeric types, booleans for BOOL, strings for BYTES; the strings "NaN", "Infinity", "-Infinity" for floats JSON cannot hold; decimal strings for 64-bit integers beyond ±2^53. */
        TensorElement: number | string | boolean;
        /** @description Row-major elements, flat or nested (arrays of arrays of elements) to match the shape. */
        TensorData: (components["schemas"]["TensorElement"] | unknown[])[];
        /** @description Free-form protocol parameters. The binary tensor data extension uses three: `binary_data_size` (integer) on an input or output whose bytes travel after the JSON header, `binary_data` (boolean) on a requested output to have it returned as binary data, and `binary_data_output` (boolean) on the request to have every output returned as binary data unless an output says otherwise. */
        Parameters: {
            [key: string]: string | number | boolean;
        };
        RequestInput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data: components["schemas"]["TensorData"];
        };
        RequestOutput: {
            name: string;
            parameters?: components["schemas"]["Parameters"];
        };
        InferenceRequest: {
            /** @description Echoed in the response. */
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            inputs: components["schemas"]["RequestInput"][];
            /** @description The outputs to return; all of them when omitted. */
            outputs?: components["schemas"]["RequestOutput"][];
        };
        /** @description An input in the JSON header of a binary request: with `parameters.binary_data_size` its elements are that many bytes of the binary part and `data` is left out; without it, `data` holds them. */
        BinaryRequestInput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data?: components["schemas"]["TensorData"];
        };
        /** @description The JSON header of an `application/octet-stream` inference request. */
        InferenceRequestHeader: {
            /** @description Echoed in the response. */
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            inputs: components["schemas"]["BinaryRequestInput"][];
            /** @description The outputs to return; all of them when omitted. */
            outputs?: components["schemas"]["RequestOutput"][];
        };
        /** @description An output in the JSON header of a binary response: `parameters.binary_data_size` bytes of the binary part when it was asked for as binary data, else `data`. */
        BinaryResponseOutput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data?: components["schemas"]["TensorData"];
        };
        /** @description The JSON header of an `application/octet-stream` inference response. */
        InferenceResponseHeader: {
            model_name: string;
            model_version?: string;
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            outputs: components["schemas"]["BinaryResponseOutput"][];
        };
        ResponseOutput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data: components["schemas"]["TensorData"];
        };
        InferenceResponse: {
            model_name: string;
            model_version?: string;
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            outputs: components["schemas"]["ResponseOutput"][];
        };
        /** @description A message in the OpenAI shape; fields not named here are passed through. */
        ChatMessage: {
            /** @enum {string} */
            role: "system" | "developer" | "user" | "assistant" | "tool";
            /** @description Text, or an array of content parts, or null for an assistant message with tool calls. */
            content?: string | {
                [key: string]: unknown;
            }[] | null;
            name?: string;
            tool_calls?: components["schemas"]["ToolCall"][];
            tool_call_id?: string;
        } & {
            [key: string]: unknown;
        };
        ToolCall: {
            id: string;
            /** @constant */
            type: "function";
            function: {
                name: string;
                /** @description JSON text. */
                arguments: string;
            };
        };
        ChatCompletionRequest: {
            /** @description A route or model name this server knows. */
            model: string;
            messages: components["schemas"]["ChatMessage"][];
            /** @default false */
            stream?: boolean;
            stream_options?: {
                include_usage?: boolean;
            };
            temperature?: number;
            top_p?: number;
            /** @description Sample from the k most likely tokens only (0 or absent, all). Local models; not an OpenAI parameter. */
            top_k?: number;
            frequency_penalty?: number;
            presence_penalty?: number;
            /** @description Return each output token's log probability. */
            logprobs?: boolean;
            /** @description With `logprobs`: this many most likely alternatives per token. */
            top_logprobs?: number;
            max_tokens?: number;
            max_completion_tokens?: number;
            n?: number;
            stop?: string | string[];
            seed?: number;
            tools?: {
                [key: string]: unknown;
            }[];
            tool_choice?: string | {
                [key: string]: unknown;
            };
            response_format?: {
                [key: string]: unknown;
            };
            user?: string;
        } & {
            [key: string]: unknown;
        };
        Usage: {
            prompt_tokens: number;
            completion_tokens?: number;
            total_tokens: number;
        };
        /** @enum {string|null} */
        FinishReason: "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | null;
        ChatCompletion: {
            id: string;
            /** @constant */
            object: "chat.completion";
            created: number;
            model: string;
            choices: {
                index: number;
                message: {
                    /** @constant */
                    role: "assistant";
                    content?: string | null;
                    refusal?: string | null;
                    tool_calls?: components["schemas"]["ToolCall"][];
                } & {
                    [key: string]: unknown;
                };
                finish_reason: components["schemas"]["FinishReason"];
                logprobs?: components["schemas"]["ChatLogprobs"];
            }[];
            usage?: components["schemas"]["Usage"];
            system_fingerprint?: string | null;
        };
        /** @description With `logprobs`, each output token's log probability and its most likely alternatives. */
        ChatLogprobs: ({
            content?: components["schemas"]["TokenLogprob"][] | null;
            refusal?: components["schemas"]["TokenLogprob"][] | null;
        } & {
            [key: string]: unknown;
        }) | null;
        TokenLogprob: {
            token: string;
            logprob: number;
            /** @description The token's UTF-8 bytes; a token may hold part of a character. */
            bytes: number[] | null;
            top_logprobs?: {
                token: string;
                logprob: number;
                bytes: number[] | null;
            }[];
        };
        /** @description One server-sent event of a streamed completion. */
        ChatCompletionChunk: {
            id: string;
            /** @constant */
            object: "chat.completion.chunk";
            created: number;
            model: string;
            choices: {
                index: number;
                delta: {
                    role?: string;
                    content?: string | null;
                    tool_calls?: {
                        index: number;
                        id?: string;
                        /** @constant */
                        type?: "function";
                        function?: {
                            name?: string;
                            arguments?: string;
                        };
                    }[];
                } & {
                    [key: string]: unknown;
                };
                finish_reason?: components["schemas"]["FinishReason"];
                logprobs?: components["schemas"]["ChatLogprobs"];
            }[];
            system_fingerprint?: string | null;
            usage?: components["schemas"]["Usage"] | null;
        };
        EmbeddingsRequest: {
            model: string;
            /** @description Text, texts, or token arrays (token arrays only for remote targets that accept them). */
            input: string | string[] | number[] | number[][];
            /**
             * @default float
             * @enum {string}
             */
            encoding_format?: "float" | "base64";
            /** @description Truncate to this many dimensions and renormalize. */
            dimensions?: number;
            user?: string;
        };
        Embedding: {
            /** @constant */
            object: "embedding";
            index: number;
            /** @description Floats, or with `encoding_format` base64 the little-endian float32 bytes in base64. */
            embedding: number[] | string;
        };
        EmbeddingsResponse: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Embedding"][];
            model: string;
            usage: components["schemas"]["Usage"];
        };
        OcrJsonRequest: {
            /** @description The image file (PNG, JPEG or WebP) in base64, optionally as a data: URL. */
            image: string;
            min_confidence?: number;
        };
        Point: number[];
        OcrLine: {
            text: string;
            confidence: number;
            /** @description Corners top-left, top-right, bottom-right, bottom-left, in pixels. */
            box: components["schemas"]["Point"][];
        };
        OcrResponse: {
            model: string;
            width: number;
            height: number;
            lines: components["schemas"]["OcrLine"][];
        };
        VadSegment: {
            start: number;
            end: number;
        };
        VadResponse: {
            model: string;
            /** @description The audio's length in seconds. */
            duration: number;
            segments: components["schemas"]["VadSegment"][];
        };
    };
    responses: {
        /** @description Model metadata. */
        ModelMetadata: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelMetadata"];
            };
        };
        /** @description The model is loaded and ready. */
        ModelReady: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelReadyResponse"];
            };
        };
        /** @description The model exists but is not loaded yet, or failed to load. */
        ModelNotReady: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelReadyResponse"];
            };
        };
        /** @description The requested outputs. When any output was asked for as binary data (`binary_data` on the output, or `binary_data_output` on the request), the body is `application/octet-stream`: a JSON header of `Inference-Header-Content-Length` bytes, whose binary outputs carry `binary_data_size` instead of `data`, followed by those outputs' raw bytes in output order. */
        InferenceResponse: {
            headers: {
                "Inference-Header-Content-Length": components["headers"]["InferenceHeaderContentLength"];
                "x-modelport-model-version": components["headers"]["ModelVersion"];
                [name: string]: unknown;
            };
            content: {
                "application/octet-stream": string;
                "application/json": components["schemas"]["InferenceResponse"];
            };
        };
        /** @description An error, in the OpenAI shape. */
        V1Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description The request is malformed. */
        V1BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description A key is required and was missing or wrong. */
        V1Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description No such model. */
        V1NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description The request is over a configured limit; the message names it. */
        V1TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description The body's content type is not one this endpoint reads. */
        V1UnsupportedMedia: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description Rate limited, by the API key's requests or tokens per minute, or by every upstream target. */
        V1RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description Every target failed with an error or an invalid answer. */
        V1BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description No target could be tried (circuits open, or the local model is not loaded). */
        V1Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description The request's deadline passed before any target answered. */
        V1GatewayTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description An error, in the Open Inference Protocol shape. */
        V2Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The request is malformed; the message says what to fix. */
        V2BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description A key is required and was missing or wrong. */
        V2Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The API key is valid but may not do this (the repository operations need an admin key); nothing was changed. */
        V2Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description No such model or version. */
        V2NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The request body is over the configured limit. */
        V2TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The model's request queue is full, or the API key is over its requests per minute; try again after `Retry-After` seconds. */
        V2QueueFull: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The API key is over its requests per minute; try again after `Retry-After` seconds. */
        V2RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The model is not loaded yet, or failed to load. */
        V2Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The request is malformed, or the model's folder cannot be read or a version failed to load; the message says which. */
        V2LoadFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The model's rollout as it is now. */
        Rollout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Rollout"];
            };
        };
        /** @description Statistics per model version, since the server started. */
        Statistics: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["StatisticsResponse"];
            };
        };
    };
    parameters: {
        /**
         * @description A model name. Names are plain identifiers, never paths.
         * @example simplenet
         */
        ModelName: components["schemas"]["ModelName"];
        /**
         * @description A numeric model version.
         * @example 1
         */
        ModelVersion: components["schemas"]["ModelVersion"];
        /**
         * @description Binary tensor data extension (`binary_tensor_data`): the length in bytes of the JSON header (`InferenceRequestHeader`) at the start of an `application/octet-stream` body; the inputs' raw bytes follow it, in input order. Without this header the whole body is JSON.
         * @example 118
         */
        InferenceHeaderContentLength: number;
    };
    requestBodies: {
        /** @description JSON tensors, or (binary tensor data extension) a JSON header of `Inference-Header-Content-Length` bytes followed by the raw bytes of each input that has a `binary_data_size` parameter, in input order: little-endian, row-major, without padding; BOOL one byte each, FP16 the half bits, BYTES each element as a 4-byte little-endian length and its bytes. */
        InferenceRequest: {
            content: {
                "application/json": components["schemas"]["InferenceRequest"];
                "application/octet-stream": string;
            };
        };
    };
    headers: {
        /** @description The model version that answered; unpinned requests may go to a canary while a rollout is under way. */
        ModelVersion: components["schemas"]["ModelVersion"];
        /** @description The request's id, in every answer and log line. */
        RequestId: string;
        /** @description The target that answered: `<provider>/<model>`. */
        Target: string;
        /** @description How many upstream attempts this answer took, retries and fallbacks included; 0 when none was made (a bad request, or every circuit open). */
        Attempts: number;
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
        /** @description Binary tensor data extension: the length in bytes of the JSON header at the start of the body; the outputs' raw bytes follow it. Present only when the body is `application/octet-stream`. */
        InferenceHeaderContentLength: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The models. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelList"];
                };
            };
            401: components["responses"]["V1Unauthorized"];
            429: components["responses"]["V1RateLimited"];
            default: components["responses"]["V1Error"];
        };
    };
    retrieveModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            404: components["responses"]["V1NotFound"];
            429: components["responses"]["V1RateLimited"];
            default: components["responses"]["V1Error"];
        };
    };
    createChatCompletion: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatCompletionRequest"];
            };
        };
        responses: {
            /** @description The completion, or an event stream of chunks when `stream` is true. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "x-modelport-target": components["headers"]["Target"];
                    "x-modelport-attempts": components["headers"]["Attempts"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatCompletion"];
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            404: components["responses"]["V1NotFound"];
            429: components["responses"]["V1RateLimited"];
            502: components["responses"]["V1BadGateway"];
            503: components["responses"]["V1Unavailable"];
            504: components["responses"]["V1GatewayTimeout"];
            default: components["responses"]["V1Error"];
        };
    };
    createEmbeddings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmbeddingsRequest"];
            };
        };
        responses: {
            /** @description One embedding per input, in input order. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "x-modelport-target": components["headers"]["Target"];
                    "x-modelport-attempts": components["headers"]["Attempts"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmbeddingsResponse"];
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            404: components["responses"]["V1NotFound"];
            413: components["responses"]["V1TooLarge"];
            429: components["responses"]["V1RateLimited"];
            502: components["responses"]["V1BadGateway"];
            503: components["responses"]["V1Unavailable"];
            504: components["responses"]["V1GatewayTimeout"];
            default: components["responses"]["V1Error"];
        };
    };
    recognizeText: {
        parameters: {
            query?: {
                /**
                 * @description Drop lines recognized with less confidence than this (0–1, default 0.5). A `min_confidence`
                 *     in a multipart or JSON body takes precedence.
                 */
                min_confidence?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "image/png": string;
                "image/jpeg": string;
                "image/webp": string;
                "multipart/form-data": {
                    /** Format: binary */
                    image: string;
                    min_confidence?: number;
                };
                "application/json": components["schemas"]["OcrJsonRequest"];
            };
        };
        responses: {
            /** @description The recognized lines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OcrResponse"];
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            413: components["responses"]["V1TooLarge"];
            415: components["responses"]["V1UnsupportedMedia"];
            429: components["responses"]["V1RateLimited"];
            503: components["responses"]["V1Unavailable"];
            default: components["responses"]["V1Error"];
        };
    };
    detectVoiceActivity: {
        parameters: {
            query?: {
                /** @description Speech probability above which a frame is speech (default 0.5). */
                threshold?: number;
                /** @description Shorter speech is dropped (default 250). */
                min_speech_ms?: number;
                /** @description Shorter silences do not split speech (default 100). */
                min_silence_ms?: number;
                /** @description Padding added to each side of a segment (default 30). */
                speech_pad_ms?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "audio/wav": string;
                "multipart/form-data": {
                    /** Format: binary */
                    audio: string;
                    threshold?: number;
                    min_speech_ms?: number;
                    min_silence_ms?: number;
                    speech_pad_ms?: number;
                };
            };
        };
        responses: {
            /** @description The speech segments. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VadResponse"];
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            413: components["responses"]["V1TooLarge"];
            415: components["responses"]["V1UnsupportedMedia"];
            429: components["responses"]["V1RateLimited"];
            503: components["responses"]["V1Unavailable"];
            default: components["responses"]["V1Error"];
        };
    };
    serverMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerMetadata"];
                };
            };
            401: components["responses"]["V2Unauthorized"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    serverLive: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server is running. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveResponse"];
                };
            };
            default: components["responses"]["V2Error"];
        };
    };
    serverReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve inference. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            /** @description Not ready yet. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            default: components["responses"]["V2Error"];
        };
    };
    modelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelMetadata"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelMetadata"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    modelReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelReady"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            503: components["responses"]["ModelNotReady"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelReady"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            503: components["responses"]["ModelNotReady"];
            default: components["responses"]["V2Error"];
        };
    };
    modelInfer: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Binary tensor data extension (`binary_tensor_data`): the length in bytes of the JSON header (`InferenceRequestHeader`) at the start of an `application/octet-stream` body; the inputs' raw bytes follow it, in input order. Without this header the whole body is JSON.
                 * @example 118
                 */
                "Inference-Header-Content-Length"?: components["parameters"]["InferenceHeaderContentLength"];
            };
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["InferenceRequest"];
        responses: {
            200: components["responses"]["InferenceResponse"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            413: components["responses"]["V2TooLarge"];
            429: components["responses"]["V2QueueFull"];
            503: components["responses"]["V2Unavailable"];
            default: components["responses"]["V2Error"];
        };
    };
    modelFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeedbackRequest"];
            };
        };
        responses: {
            /** @description Counted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackResponse"];
                };
            };
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionInfer: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Binary tensor data extension (`binary_tensor_data`): the length in bytes of the JSON header (`InferenceRequestHeader`) at the start of an `application/octet-stream` body; the inputs' raw bytes follow it, in input order. Without this header the whole body is JSON.
                 * @example 118
                 */
                "Inference-Header-Content-Length"?: components["parameters"]["InferenceHeaderContentLength"];
            };
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["InferenceRequest"];
        responses: {
            200: components["responses"]["InferenceResponse"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            413: components["responses"]["V2TooLarge"];
            429: components["responses"]["V2QueueFull"];
            503: components["responses"]["V2Unavailable"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryIndex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RepositoryIndexRequest"];
            };
        };
        responses: {
            /** @description One entry per model version; models not loaded have no version. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryIndex"];
                };
            };
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelLoad: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RepositoryModelRequest"];
            };
        };
        responses: {
            /** @description Loaded; the newest version that loaded is served. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryModelResponse"];
                };
            };
            400: components["responses"]["V2LoadFailed"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelUnload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RepositoryModelRequest"];
            };
        };
        responses: {
            /** @description Unloaded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryModelResponse"];
                };
            };
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Rollout"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelSetRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutSettings"];
            };
        };
        responses: {
            200: components["responses"]["Rollout"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelClearRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Rollout"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelPromote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RepositoryModelRequest"];
            };
        };
        responses: {
            200: components["responses"]["Rollout"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    repositoryModelRollback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RepositoryModelRequest"];
            };
        };
        responses: {
            200: components["responses"]["Rollout"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            403: components["responses"]["V2Forbidden"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    allModelStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Statistics"];
            401: components["responses"]["V2Unauthorized"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    modelStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Statistics"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Statistics"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            429: components["responses"]["V2RateLimited"];
            default: components["responses"]["V2Error"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["V1Unauthorized"];
            429: components["responses"]["V1RateLimited"];
            default: components["responses"]["V1Error"];
        };
    };
    getContract: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The contract. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        info: Record<string, never>;
                        paths: Record<string, never>;
                    };
                };
            };
        };
    };
    getApiReference: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reference page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
}
