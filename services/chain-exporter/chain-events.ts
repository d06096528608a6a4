/**
 * The exporter package's public entry for the rest of the repository: the reader of relay-path
 * events from a CometBFT node's block results (`npm run verify` and the tests use it too). Not
 * part of the image (see .dockerignore); the image's entry point is src/main.ts.
 */
export * from "./src/chain-events";
