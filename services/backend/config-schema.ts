/**
 * The backend's public entry for other packages: the schema of its config.yaml, so the localnet
 * program checks `backend.config` before anything is deployed. Not part of the image (see
 * .dockerignore); the image's entry point is src/main.ts.
 */
export { backendConfigSchema } from "./src/config";
