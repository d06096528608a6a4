/**
 * Bounds on the genesis description before YAML sees it: a size limit, text only (no NUL, valid
 * UTF-8, no control characters), and a terminal-safe rendering of whatever ends up in a message,
 * so a binary file or an escape sequence in a value is never echoed to the user's terminal.
 */
import type { Problem } from "./errors";

/**
 * Largest description accepted. The default localnet is 8 KB and 1,000 suppliers with their own
 * mnemonics about 250 KB. The YAML parser takes about 2.5 s and 200 MB per MiB (its document
 * model), so the bound also bounds the time and memory a careless file can cost.
 */
export const MAX_GENESIS_BYTES = 1024 * 1024;
const limitText = `${MAX_GENESIS_BYTES} bytes (1 MiB)`;

/** YAML aliases allowed in one document; a description needs none, a "billion laughs" needs many. */
export const MAX_YAML_ALIASES = 100;

// C0 controls other than tab, LF and CR; DEL; C1 controls. YAML forbids them in a document anyway.
// eslint-disable-next-line no-control-regex -- finding control bytes is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Escapes what a terminal would interpret (controls, line/paragraph separators, bidi overrides). */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control bytes is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function lineAndColumn(text: string, index: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${index - start + 1}`;
}

/** A description over the size limit, before reading it. */
export function sizeProblem(size: number): Problem | undefined {
  return size > MAX_GENESIS_BYTES ? { path: "", message: `the file is ${size} bytes; a genesis description may be at most ${limitText}` } : undefined;
}

/** Problems of raw file bytes: too big, binary, not UTF-8. */
export function bytesProblem(bytes: Buffer): Problem | undefined {
  const tooBig = sizeProblem(bytes.length);
  if (tooBig) return tooBig;
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { path: "", message: `is a binary file (a NUL byte at offset ${nul}); expected YAML text` };
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { path: "", message: "is not UTF-8 text; expected YAML text" };
  }
  return undefined;
}

/** Problems of the text itself: too long, or a control character (named by code point and place). */
export function textProblem(text: string): Problem | undefined {
  if (text.length > MAX_GENESIS_BYTES) {
    return { path: "", message: `the text is ${text.length} characters; a genesis description may be at most ${limitText}` };
  }
  const m = CONTROL.exec(text);
  if (!m) return undefined;
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  return { path: "", message: `contains the control character ${code} at ${lineAndColumn(text, m.index)}; a genesis description is plain text` };
}
