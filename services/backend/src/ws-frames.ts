/**
 * A lean path for the WebSocket frames that dominate load: single, final, masked text frames from
 * the client, and our text answers. `ws` still owns the connection (handshake, ping/pong, close,
 * fragments, binary, every protocol error); its receiver and sender run as Node streams with
 * several layers per frame, which cost more than answering the message. Frames are read here only
 * while each one is plain; the first one that is not (or is over the payload limit, or not UTF-8)
 * hands the connection, with the unread bytes in order, to `ws` for good, so it behaves exactly
 * as before from there on.
 */
import { isUtf8 } from "node:buffer";
import type { Duplex } from "node:stream";

const FIN_TEXT = 0x81;
const MASKED = 0x80;
const LENGTH_16 = 126;
const LENGTH_64 = 127;

/** An unmasked (server-to-client) text frame holding `text`, as `ws` would send it. */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < LENGTH_16 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = LENGTH_16;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = LENGTH_64;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, "utf8");
  return frame;
}

/** More bytes are needed to tell. */
export const NEED_MORE = -1;
/** Not a frame for this path: `ws` must read it (and everything after it). */
export const NOT_PLAIN = -2;

/**
 * Where the plain text frame at `offset` ends, NEED_MORE or NOT_PLAIN. Plain: FIN set, opcode
 * text, no RSV bits, masked, a 7- or 16-bit length not above `maxPayload`.
 */
export function plainFrameEnd(buf: Buffer, offset: number, maxPayload: number): number {
  const available = buf.length - offset;
  if (available < 1) return NEED_MORE;
  if (buf[offset] !== FIN_TEXT) return NOT_PLAIN;
  if (available < 2) return NEED_MORE;
  const b1 = buf[offset + 1];
  if ((b1 & MASKED) === 0) return NOT_PLAIN;
  let length = b1 & 0x7f;
  let header = 2;
  if (length === LENGTH_64) return NOT_PLAIN;
  if (length === LENGTH_16) {
    if (available < 4) return NEED_MORE;
    length = buf.readUInt16BE(offset + 2);
    header = 4;
  }
  if (length > maxPayload) return NOT_PLAIN;
  const end = offset + header + 4 + length;
  return end <= buf.length ? end : NEED_MORE;
}

/** XORs `buf[start, end)` with the 4-byte mask at `maskAt` (its own inverse). */
function unmask(buf: Buffer, maskAt: number, start: number, end: number): void {
  for (let i = start; i < end; i++) buf[i] ^= buf[maskAt + ((i - start) & 3)];
}

/**
 * Reads plain text frames on `socket` (just upgraded by `ws`) and gives each payload to `onText`,
 * as `ws` would emit it as a message. Returns false and changes nothing when the socket does not
 * have exactly `ws`'s one data listener.
 */
export function readPlainFrames(socket: Duplex, maxPayload: number, onText: (payload: Buffer) => void): boolean {
  const listeners = socket.listeners("data");
  if (listeners.length !== 1) return false;
  const wsOnData = listeners[0] as (this: Duplex, chunk: Buffer) => void;
  let pending: Buffer | undefined;

  const handOff = (rest: Buffer | undefined) => {
    socket.removeListener("data", onData);
    socket.removeListener("close", onClose);
    socket.on("data", wsOnData);
    if (rest !== undefined && rest.length > 0) wsOnData.call(socket, rest);
  };
  // Runs before ws's own close handler, which reads what is still buffered on the socket: a partial
  // frame held here must reach ws first so the bytes stay in order.
  const onClose = () => {
    const rest = pending;
    pending = undefined;
    handOff(rest);
  };

  function onData(chunk: Buffer): void {
    const buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    pending = undefined;
    let offset = 0;
    while (offset < buf.length) {
      const end = plainFrameEnd(buf, offset, maxPayload);
      if (end === NEED_MORE) {
        pending = buf.subarray(offset);
        return;
      }
      if (end === NOT_PLAIN) return handOff(buf.subarray(offset));
      const header = (buf[offset + 1] & 0x7f) === LENGTH_16 ? 4 : 2;
      const maskAt = offset + header;
      unmask(buf, maskAt, maskAt + 4, end);
      const payload = buf.subarray(maskAt + 4, end);
      if (!isUtf8(payload)) {
        // ws closes with 1007; give it the frame as it came.
        unmask(buf, maskAt, maskAt + 4, end);
        return handOff(buf.subarray(offset));
      }
      offset = end;
      onText(payload);
    }
  }

  socket.removeListener("data", wsOnData);
  socket.on("data", onData);
  socket.prependListener("close", onClose);
  return true;
}
