/**
 * Reading one key at a time: a key of the wrong type, or one the server refuses to read, becomes a
 * problem recorded under its name (with the type found and the type expected) and the read gives a
 * fallback, so one bad key never stops the rest of the report.
 */
import type { Cluster, Redis } from "ioredis";

export interface KeyProblem {
  /** The key (or SCAN pattern) that could not be read. */
  key: string;
  /** What was wrong, e.g. `holds a list, expected a string (the leader lock)`. */
  problem: string;
}

export type RedisType = "string" | "set" | "stream" | "hash" | "list" | "zset";

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\.$/, "");

export class KeyReader {
  readonly problems: KeyProblem[] = [];

  constructor(private readonly client: Redis | Cluster) {}

  /** Records a problem found by the caller (e.g. an empty value). */
  note(key: string, problem: string): void {
    this.problems.push({ key, problem });
  }

  /** `read()` of a key expected to hold `expected` (`what` says what it is for the message). */
  async read<T>(key: string, expected: RedisType, what: string, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (e) {
      const message = messageOf(e);
      if (/^WRONGTYPE/.test(message)) {
        const actual = await this.client.type(key).catch(() => "value of another type");
        this.note(key, `holds a ${actual}, expected a ${expected} (${what})`);
      } else this.note(key, `could not be read: ${message}`);
      return fallback;
    }
  }

  /** Keys matching a pattern; a refused SCAN is a problem under the pattern, and no keys. */
  async scan(pattern: string, scan: () => Promise<string[]>): Promise<string[]> {
    try {
      return await scan();
    } catch (e) {
      this.note(pattern, `could not be scanned: ${messageOf(e)}`);
      return [];
    }
  }

  sorted(): KeyProblem[] {
    return [...this.problems].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
