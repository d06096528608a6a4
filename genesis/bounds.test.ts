/**
 * Hostile genesis descriptions: alias bombs, oversized and binary files, control bytes, amounts past
 * the chain's integer range, and huge problem lists. Each is refused with the file and the reason,
 * and nothing the user wrote reaches the terminal unescaped.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GenesisInputError, loadGenesisInput, parseGenesisInput } from "./index";
import { SHOWN_PROBLEMS } from "./errors";
import { localnetDoc, localnetYaml, toYaml } from "../test/support/genesis-fixtures";

const dir = mkdtempSync(join(tmpdir(), "genesis-bounds-"));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** The error's message, asserting it is a GenesisInputError. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GenesisInputError, `expected GenesisInputError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e.message;
  }
  assert.fail("expected the input to be refused");
}

// eslint-disable-next-line no-control-regex -- finding control bytes is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("genesis input bounds", () => {
  it("a YAML alias bomb names the file and says why", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const path = file("bomb.yaml", `${levels.join("\n")}\nchainId: pocket\n`);
    const message = refusal(() => loadGenesisInput(path));
    assert.match(message, new RegExp(`^invalid genesis input ${path}:\\n  - \\(root\\): YAML aliases expand past 100 \\(an alias bomb\\)`));
  });

  it("a file over 1 MiB is refused by its size, before parsing", () => {
    const path = file("huge.yaml", `# ${"x".repeat(3 * 1024 * 1024)}\n`);
    assert.match(
      refusal(() => loadGenesisInput(path)),
      /the file is 3145731 bytes; a genesis description may be at most 1048576 bytes \(1 MiB\)/,
    );
  });

  it("binary and non-UTF-8 files are refused without echoing their bytes", () => {
    const binary = file("binary.yaml", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a]));
    const m1 = refusal(() => loadGenesisInput(binary));
    assert.match(m1, /is a binary file \(a NUL byte at offset 7\); expected YAML text/);
    assert.doesNotMatch(m1, CONTROL);
    const latin1 = file("latin1.yaml", Buffer.from("chainId: caf\xe9\n", "latin1"));
    assert.match(
      refusal(() => loadGenesisInput(latin1)),
      /is not UTF-8 text; expected YAML text/,
    );
  });

  it("control characters in the text are named by code point and place, never printed", () => {
    const m = refusal(() => parseGenesisInput(localnetYaml.replace("chainId: pocket", "chainId: po\u001b[2Jcket"), "esc.yaml"));
    assert.match(m, /contains the control character U\+001B at line 10, column 12; a genesis description is plain text/);
    assert.doesNotMatch(m, CONTROL);
  });

  it("control characters that arrive through YAML escapes are escaped in messages", () => {
    const m = refusal(() => parseGenesisInput(localnetYaml.replace("chainId: pocket", 'chainId: "po\\e[2J\\u202ecket x"'), "escaped.yaml"));
    assert.match(m, /chainId: "po\\u001b\[2J\\u202ecket x" is not a chain id/);
    assert.doesNotMatch(m, CONTROL);
    assert.doesNotMatch(m, /\u202e/);
  });

  it("amounts stop at 2^256 - 1 (Cosmos SDK integers), per coin and in total supply", () => {
    const doc = localnetDoc();
    doc.accounts[0].balance = `1${"0".repeat(100)}upokt`;
    assert.match(
      refusal(() => parseGenesisInput(toYaml(doc))),
      /accounts\[0\]\.balance: "1000000000\d+\.\.\. has an amount above 2\^256 - 1, the largest Cosmos SDK integer/,
    );

    const half = 2n ** 255n;
    const split = localnetDoc();
    split.accounts[0].balance = `${half}upokt`;
    split.accounts[1].balance = `${half}upokt,1mact`;
    assert.match(
      refusal(() => parseGenesisInput(toYaml(split))),
      /accounts: the total supply of upokt \(balances plus stakes\) would be 78 digits long, above 2\^256 - 1/,
    );

    const ok = localnetDoc();
    ok.accounts[0].balance = `${2n ** 255n}upokt`;
    assert.equal(parseGenesisInput(toYaml(ok)).accounts[0].balance[0].amount, 2n ** 255n);
  });

  it("20,000 duplicate suppliers: every one counted, the first 50 shown, then '… and N more'", () => {
    const text = localnetYaml.replace(/suppliers:\n( {2}- .*\n)+/, `suppliers:\n${"  - { operator: supplier1 }\n".repeat(20_000)}`);
    const m = refusal(() => parseGenesisInput(text, "dups.yaml"));
    const lines = m.split("\n");
    assert.match(lines[0], /^invalid genesis input dups\.yaml \(\d+ problems\):$/);
    const total = Number(/\((\d+) problems\)/.exec(lines[0])![1]);
    assert.ok(total >= 19_999, `counted ${total}`);
    assert.equal(lines.length, 1 + SHOWN_PROBLEMS + 1);
    assert.equal(lines.at(-1), `  … and ${total - SHOWN_PROBLEMS} more`);
  });
});
