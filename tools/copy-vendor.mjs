// Copy GOV.UK Frontend's script bundle and assets from node_modules into static/build,
// where Django's staticfiles finds them. Run by `npm run build` (the Makefile does it).
import { cpSync, copyFileSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/build", { recursive: true });
copyFileSync(`${from}/all.bundle.js`, "static/build/govuk-frontend.bundle.js");
cpSync(`${from}/assets`, "static/build/assets", { recursive: true });
