/**
 * The playground page: `npm run playground` serves it (vite), `npm run build` writes it as static
 * files into dist/ (relative URLs, so any static server or directory works).
 */
import { defaultClientConditions, defineConfig } from "vite"
import { conditions } from "./browser.config.js"

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  resolve: { conditions: [...conditions, ...defaultClientConditions.filter((c) => !conditions.includes(c))] },
  // The packaged guest programs, served beside the page as they are and copied into the build.
  publicDir: "../guest/bin",
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // The worker carries the kernel, both CPUs and Effect: one chunk of about a megabyte.
    chunkSizeWarningLimit: 2048
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" }
})
