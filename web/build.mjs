// Copies the front-end assets the server embeds into web/dist/.
// Sources: NL Design System (Utrecht) component CSS and design tokens from npm,
// and our own stylesheet in web/src/. No bundler is needed for plain CSS.
import { copyFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
mkdirSync(dist, { recursive: true });

const copies = [
  ["node_modules/@utrecht/component-library-css/dist/index.css", "utrecht-components.css"],
  ["node_modules/@utrecht/design-tokens/dist/theme.css", "utrecht-theme.css"],
  // MapLibre GL JS, the CSP build: its worker is a file of our own origin.
  ["node_modules/maplibre-gl/dist/maplibre-gl-csp.js", "maplibre-gl-csp.js"],
  ["node_modules/maplibre-gl/dist/maplibre-gl-csp-worker.js", "maplibre-gl-csp-worker.js"],
  ["node_modules/maplibre-gl/dist/maplibre-gl.css", "maplibre-gl.css"],
];
for (const [from, to] of copies) {
  const src = join(here, from);
  if (!existsSync(src)) {
    console.error(`missing ${from}: run 'npm ci' in web/ first`);
    process.exit(1);
  }
  copyFileSync(src, join(dist, to));
}
for (const f of readdirSync(join(here, "src"))) {
  copyFileSync(join(here, "src", f), join(dist, f));
}
console.log(`web assets written to ${dist}`);
