export * as Bench from "./Bench.js"
