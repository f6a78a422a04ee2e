// Compiles every schema in SCHEMAS with Ajv's 2020-12 build under its defaults (strict mode on, strictTypes
// logging), with ajv-formats as Node gateways use it. Prints each warning; exits 1 when there was any.
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const fs = require("fs");
const path = require("path");

const dir = process.env.SCHEMAS;
let warnings = 0;
const logger = {
  log: (...args) => console.log(...args),
  warn: (...args) => { warnings++; console.log("WARN", ...args); },
  error: (...args) => { warnings++; console.log("ERROR", ...args); },
};
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort();
for (const file of files) {
  const ajv = new Ajv2020({ logger });
  addFormats(ajv);
  ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
  console.log("compiled " + file);
}
console.log("schemas " + files.length + " warnings " + warnings);
process.exit(warnings === 0 && files.length > 0 ? 0 : 1);
