/**
 * `npm run test:browser`: the playground in real Chromium, driven headless by Playwright. The page
 * is built (`vite build`) and served by Vite's preview server, unless ZXSIM_PLAYGROUND_URL names a
 * page already being served. Chromium is Debian's (`apt-get install chromium`; `.ci/run` installs
 * it) or the one CHROMIUM_PATH names. Without one the tests are skipped with a message saying so —
 * except under CI (CI set), where a missing browser is a failure.
 *
 * After `hello` runs, a screenshot of the page is saved as packages/playground/screenshot.png (the
 * README shows it).
 */
import assert from "node:assert/strict"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { after, before, describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { build, preview, type PreviewServer } from "vite"

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..")

/** Where Chromium is: CHROMIUM_PATH, else the usual Debian and Google locations. */
const findChromium = (): string | undefined =>
  [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((
    path
  ): path is string => path !== undefined && path !== "" && existsSync(path))

const executablePath = findChromium()
const inCi = (process.env.CI ?? "") !== "" && process.env.CI !== "false"
const skip = executablePath === undefined && !inCi
  ? "no Chromium found (install Debian's: apt-get install -y chromium, or set CHROMIUM_PATH)"
  : false
if (skip !== false) console.log(`test:browser: skipped: ${skip}`)

/** Every wait for the page: generous, since a loaded machine builds and runs slowly. */
const TIMEOUT = 60_000

let server: PreviewServer | undefined
let browser: Browser | undefined
let page: Page

/** The ELF header of an x86-64 executable: what a user might open by mistake. */
const x86Elf = (): Buffer => {
  const bytes = Buffer.alloc(64)
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
  bytes.writeUInt16LE(2, 16) // ET_EXEC
  bytes.writeUInt16LE(62, 18) // EM_X86_64
  bytes.writeUInt32LE(1, 20)
  return bytes
}

/**
 * The terminal's text as a user sees it: its rows scrolled to the top (the first screenful) and
 * back to the bottom (the last), joined.
 */
const terminalText = async () => {
  const rows = page.locator(".xterm-rows")
  await page.locator("#terminal").hover()
  const scrolled = async (delta: number) => {
    // Wheel until the rows stop changing: the end of the scrollback.
    for (let text = await rows.innerText(), i = 0; i < 100; i++) {
      await page.mouse.wheel(0, delta)
      await page.waitForTimeout(20)
      const next = await rows.innerText()
      if (next === text) return next
      text = next
    }
    return rows.innerText()
  }
  const top = await scrolled(-2000)
  const bottom = await scrolled(2000)
  return `${top}\n${bottom}`
}

/** Picks a packaged program, sets its arguments and runs it. */
const runProgram = async (name: string, args = "", options: { readonly cpu?: "jit" | "interpreter" } = {}) => {
  await page.locator("#program").selectOption(name)
  await page.locator("#args").fill(args)
  await page.locator(`input[name=cpu][value=${options.cpu ?? "jit"}]`).check()
  await page.locator("#run").click()
}

/** Waits until the program has exited and returns the exit status the page shows. */
const exitStatus = async () => {
  await page.locator("#status[data-exit]").waitFor({ timeout: TIMEOUT })
  return page.locator("#status").getAttribute("data-exit")
}

describe("playground in Chromium", { skip }, () => {
  before(async () => {
    if (executablePath === undefined) {
      throw new Error("test:browser: CI is set but no Chromium was found: .ci/run installs Debian's chromium")
    }
    let url = process.env.ZXSIM_PLAYGROUND_URL
    if (url === undefined || url === "") {
      const configFile = join(packageDirectory, "vite.config.ts")
      await build({ configFile, logLevel: "warn" })
      server = await preview({ configFile, preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" })
      url = server.resolvedUrls?.local[0]
      assert.ok(url !== undefined, "the preview server has a URL")
    }
    browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] })
    page = await browser.newPage({ viewport: { width: 1480, height: 900 } })
    page.setDefaultTimeout(TIMEOUT)
    const problems: Array<string> = []
    page.on("pageerror", (error) => problems.push(error.message))
    await page.goto(url)
    await page.locator("#status", { hasText: "ready" }).waitFor({ timeout: TIMEOUT })
    assert.deepStrictEqual(problems, [])
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  test("hello prints its arguments; the map shows the stack and the vDSO; the message is decoded", async () => {
    await runProgram("hello", "first \"second arg\"")
    assert.equal(await exitStatus(), "0")
    const text = await terminalText()
    assert.match(text, /^hello$/m)
    assert.match(text, /^first$/m)
    assert.match(text, /^second arg$/m)
    assert.match(await page.locator("#status").innerText(), /exited with 0/)
    // The build stages, as a timeline.
    for (const stage of ["ProcessBuilder.parseHeaders", "ProcessBuilder.loadElf", "BuiltProcess.start"]) {
      assert.equal(await page.locator(`#timeline [data-stage="${stage}"]`).count() > 0, true, stage)
    }
    await page.locator("#tab-map").click()
    await page.locator("#map .region[data-name='vdso/libzircon.so'] .tag", { hasText: "vDSO" }).first().waitFor()
    await page.locator("#map .region[data-name^='stack'] .tag", { hasText: "stack" }).first().waitFor()
    assert.equal(
      await page.locator("#map .region[data-name='vdso/libzircon.so'] .perms", { hasText: "r-x" }).count(),
      1
    )
    await page.locator("#tab-bootstrap").click()
    const message = await page.locator("#bootstrap").innerText()
    assert.match(message, /To the program/)
    assert.match(message, /second arg/)
    for (const handle of ["PA_PROC_SELF", "PA_THREAD_SELF", "PA_VMAR_ROOT", "PA_FD"]) {
      assert.match(message, new RegExp(handle))
    }
    assert.match(message, /SOCKET/)
    await page.locator("#tab-map").click()
    await page.screenshot({ path: join(packageDirectory, "screenshot.png") })
    await page.locator("#tab-timeline").click()
  })

  test("exit_code 42 shows 42", async () => {
    await runProgram("exit_code", "42", { cpu: "interpreter" })
    assert.equal(await exitStatus(), "42")
    assert.match(await page.locator("#status").innerText(), /exited with 42/)
  })

  test("cat echoes what is typed, and ends at Ctrl-D", async () => {
    await runProgram("cat")
    await page.locator("#terminal").click()
    await page.keyboard.type("typed into cat")
    await page.keyboard.press("Enter")
    // The line once as typed (the page's echo), once as cat wrote it back.
    await page.waitForFunction(
      () => (document.querySelector(".xterm-rows")?.textContent ?? "").split("typed into cat").length - 1 >= 2,
      undefined,
      { timeout: TIMEOUT }
    )
    await page.keyboard.press("Control+D")
    assert.equal(await exitStatus(), "0")
  })

  test("a crashing program shows its crash report", async () => {
    await runProgram("write_code")
    await exitStatus()
    const text = await terminalText()
    assert.match(text, /<== CRASH: process write_code/)
    assert.match(text, /FATAL_PAGE_FAULT/)
    assert.match(text, /backtrace:/)
    assert.match(await page.locator("#status").innerText(), /unhandled exception.*-1028/)
  })

  test("an endless loop can be stopped, and the page answers while it runs", async () => {
    await runProgram("endless_loop")
    const instructions = async () => Number((await page.locator("#stat-instructions").innerText()).replace(/\D/g, ""))
    await page.waitForFunction(
      () => Number((document.getElementById("stat-instructions")?.textContent ?? "").replace(/\D/g, "")) > 0
    )
    const first = await instructions()
    // A click on another tab takes effect while the guest spins in the worker.
    await page.locator("#tab-bootstrap").click()
    assert.equal(await page.locator("#tab-bootstrap").getAttribute("aria-selected"), "true")
    assert.equal(await page.locator("#bootstrap").isVisible(), true)
    assert.equal(await page.locator("#timeline").isVisible(), false)
    assert.equal(await page.locator("#status[data-exit]").count(), 0, "still running")
    // The counters keep coming while it runs.
    await page.waitForFunction(
      (before) => Number((document.getElementById("stat-instructions")?.textContent ?? "").replace(/\D/g, "")) > before,
      first
    )
    await page.locator("#stop").click()
    await exitStatus()
    assert.match(await page.locator("#status").innerText(), /killed.*-1024/)
    await page.locator("#tab-timeline").click()
  })

  test("the timeline shows every build stage of a dynamically linked program", async () => {
    await runProgram("hello_dynamic", "x")
    assert.equal(await exitStatus(), "0")
    const stages = await page.locator("#timeline [data-stage]").evaluateAll((rows) =>
      rows.map((row) => row.getAttribute("data-stage"))
    )
    for (
      const stage of [
        "ProcessBuilder.parseHeaders",
        "ProcessBuilder.reserveLowAddressSpace",
        "ProcessBuilder.fetchDynamicLinker",
        "ProcessBuilder.loadLinker",
        "ProcessBuilder.writeLinkerMessage",
        "ProcessBuilder.loadVdso",
        "ProcessBuilder.createStack",
        "ProcessBuilder.writeMainMessage",
        "ProcessBuilder.destroyReservation",
        "BuiltProcess.start"
      ]
    ) assert.ok(stages.includes(stage), `${stage} in ${stages.join(", ")}`)
    const labels = await page.locator("#timeline").innerText()
    for (
      const label of [
        "parse headers",
        "reservation",
        "loader: fetch ld.so.1",
        "load linker ELF",
        "linker message",
        "vDSO",
        "stack",
        "main message"
      ]
    ) {
      assert.match(labels, new RegExp(label), label)
    }
    assert.match(labels, /\d+\.\d\d ms/)
    await page.locator("#tab-bootstrap").click()
    assert.match(await page.locator("#bootstrap").innerText(), /To the dynamic linker[\s\S]*PA_LDSVC_LOADER/)
    await page.locator("#tab-timeline").click()
  })

  test("an uploaded ELF file that is not RISC-V is refused with a clear error", async () => {
    await page.locator("#upload").setInputFiles({
      name: "x86.elf",
      mimeType: "application/octet-stream",
      buffer: x86Elf()
    })
    await page.locator("#description", { hasText: "x86.elf" }).waitFor()
    await page.locator("#run").click()
    await page.locator("#status.error").waitFor()
    const shown = await page.locator("#status").innerText()
    assert.match(shown, /x86\.elf: not a RISC-V 64 ELF executable/)
    assert.match(await terminalText(), /not a RISC-V 64 ELF executable/)
  })
})
