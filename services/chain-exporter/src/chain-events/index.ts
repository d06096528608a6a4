/** Relay-path events from a CometBFT node: the reader `npm run verify` uses, for any other tool too. */
export * from "./events";
export * from "./block-results";
