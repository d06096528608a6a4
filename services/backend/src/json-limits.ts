/**
 * Bounds on untrusted JSON. V8 parses deeply nested JSON without trouble but serialises it
 * recursively, so a 10 KB body of nested brackets echoed back overflows the stack. Every entry
 * point checks nesting before parsing and refuses with a message that says why.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when `bytes` (JSON text, valid or not) nests objects/arrays deeper than `max`. Brackets inside
 * strings do not count. A text shorter than the limit cannot exceed it, so small requests (the hot
 * path) are never scanned.
 */
export function nestingExceeds(bytes: Uint8Array, max: number): boolean {
  if (bytes.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

export const tooDeepMessage = (max: number) => `JSON nested deeper than ${max} levels (max_json_depth)`;
