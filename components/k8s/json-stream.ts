/**
 * Splits a stream of concatenated JSON documents (what `kubectl get --watch -o json` prints: one
 * indented object per event, no separator) into the documents, as chunks arrive.
 */
export class JsonStream {
  private buffer = "";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  /** Where scanning resumes in `buffer`. */
  private pos = 0;

  /** Feeds a chunk; returns every document it completed. Throws on a document that is not JSON. */
  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const out: unknown[] = [];
    for (; this.pos < this.buffer.length; this.pos++) {
      const ch = this.buffer[this.pos];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === "\\") this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === "{" || ch === "[") {
        if (this.depth === 0) this.start = this.pos;
        this.depth++;
      } else if (ch === "}" || ch === "]") {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          out.push(JSON.parse(this.buffer.slice(this.start, this.pos + 1)));
          this.start = -1;
        }
      }
    }
    // Keep only an unfinished document.
    if (this.depth === 0) {
      this.buffer = "";
      this.pos = 0;
    } else if (this.start > 0) {
      this.buffer = this.buffer.slice(this.start);
      this.pos -= this.start;
      this.start = 0;
    }
    return out;
  }
}
