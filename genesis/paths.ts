import { join } from "node:path";

/** The default genesis description, next to this file. */
export const defaultGenesisConfigPath = join(__dirname, "localnet.yaml");
