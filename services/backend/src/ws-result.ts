/**
 * The text of a WebSocket result frame (`{id, jsonrpc, result: {backend_id, method, params,
 * sequence, status, total}}`), built from its parts: every ping-pong message is answered with one,
 * and stringifying a fresh object per frame cost more than the rest of the answer. The text is
 * exactly what JSON.stringify gives for that object.
 */

/** Everything before the sequence number; the same for every frame of one answer. */
export function resultHead(backendIdJson: string, id: unknown, method: string, params: unknown): string {
  return `{"id":${JSON.stringify(id)},"jsonrpc":"2.0","result":{"backend_id":${backendIdJson},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)},"sequence":`;
}

/** Everything after the sequence number. */
export function resultTail(total: number): string {
  return `,"status":"ok","total":${total}}}`;
}
