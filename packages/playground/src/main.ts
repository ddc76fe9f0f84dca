/**
 * The playground page: pick a packaged guest or open an ELF file, set its arguments, environment
 * and CPU, run it in the worker, and watch it — its terminal (xterm.js, with the page's line
 * editing for stdin), the build stages as a timeline, the address space as a map, the bootstrap
 * messages decoded, and the CPU's counters while it runs. The page only draws; everything that
 * runs guest code is in the worker, so the page answers even while a guest loops forever.
 *
 * @since 0.1.0
 */
import "@xterm/xterm/css/xterm.css"
import { FitAddon } from "@xterm/addon-fit"
import { Terminal } from "@xterm/xterm"
import * as Guests from "@zxsim/guest/Guests"
import { VmOption } from "@zxsim/kernel/VmOptions"
import * as Either from "effect/Either"
import * as Protocol from "./Protocol.js"

/** How long a stopped program may take to end before its worker is replaced. */
const KILL_GRACE_MS = 3000

const element = <T extends HTMLElement>(id: string, type: { new(): T; prototype: T }): T => {
  const found = document.getElementById(id)
  if (!(found instanceof type)) throw new Error(`the page has no #${id}`)
  return found
}

const programSelect = element("program", HTMLSelectElement)
const uploadInput = element("upload", HTMLInputElement)
const description = element("description", HTMLElement)
const argsInput = element("args", HTMLInputElement)
const envInput = element("env", HTMLTextAreaElement)
const runButton = element("run", HTMLButtonElement)
const stopButton = element("stop", HTMLButtonElement)
const status = element("status", HTMLElement)
const timeline = element("timeline", HTMLElement)
const map = element("map", HTMLElement)
const bootstrap = element("bootstrap", HTMLElement)

// ---------------------------------------------------------------------------------------------
// The program picker.

const kinds: ReadonlyArray<readonly [Guests.Kind, string]> = [
  ["program", "Programs"],
  ["dynamic", "Dynamically linked (ld.so.1)"],
  ["hostile", "Misbehaving on purpose"],
  ["benchmark", "Benchmarks"]
]
for (const [kind, title] of kinds) {
  const group = document.createElement("optgroup")
  group.label = title
  for (const guest of Guests.guests.filter((g) => g.kind === kind)) {
    group.append(new Option(guest.name, guest.name))
  }
  programSelect.append(group)
}
const uploadedOption = new Option("", "")
uploadedOption.hidden = true
programSelect.prepend(uploadedOption)
programSelect.value = "hello"
argsInput.value = "a b"

let uploaded: { readonly name: string; readonly bytes: Uint8Array } | null = null

const describe = () => {
  if (programSelect.value === "" && uploaded !== null) {
    description.textContent = `${uploaded.name}: ${uploaded.bytes.length} bytes, opened from this computer.`
    return
  }
  const name = programSelect.value
  description.textContent = Guests.isName(name) ? Guests.guest(name).description : ""
}
programSelect.addEventListener("change", () => {
  if (programSelect.value !== "") {
    uploaded = null
    uploadedOption.hidden = true
  }
  describe()
})
uploadInput.addEventListener("change", async () => {
  const file = uploadInput.files?.[0]
  if (file === undefined) return
  uploaded = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
  uploadedOption.text = `${file.name} (opened)`
  uploadedOption.hidden = false
  programSelect.value = ""
  describe()
})
describe()

/** Splits an argument line at spaces; double quotes keep spaces, a backslash keeps the next character. */
const splitArguments = (line: string): Array<string> => {
  const out: Array<string> = []
  let current: string | null = null
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === "\\" && i + 1 < line.length) current = (current ?? "") + line[++i]
    else if (c === "\"") {
      quoted = !quoted
      current ??= ""
    } else if (/\s/.test(c) && !quoted) {
      if (current !== null) out.push(current)
      current = null
    } else current = (current ?? "") + c
  }
  if (current !== null) out.push(current)
  return out
}

// ---------------------------------------------------------------------------------------------
// The terminal, with a line discipline of the page's own: typed characters echo and collect into
// a line, which goes to the program's stdin on Enter.

const terminal = new Terminal({
  convertEol: true,
  cursorBlink: true,
  fontSize: 13,
  scrollback: 5000,
  theme: { background: "#10141b" }
})
// As many rows and columns as the terminal's box holds, then and whenever the window changes.
const fit = new FitAddon()
terminal.loadAddon(fit)
terminal.open(element("terminal", HTMLElement))
fit.fit()
window.addEventListener("resize", () => fit.fit())

const encoder = new TextEncoder()
let line = ""

terminal.onData((data) => {
  if (!isRunning()) return
  for (const c of data) {
    if (c === "\r" || c === "\n") {
      terminal.write("\r\n")
      send({ _tag: "Input", bytes: encoder.encode(`${line}\n`) })
      line = ""
    } else if (c === "\x7f" || c === "\b") {
      if (line.length > 0) {
        line = line.slice(0, -1)
        terminal.write("\b \b")
      }
    } else if (c === "\x04") {
      if (line.length > 0) send({ _tag: "Input", bytes: encoder.encode(line) })
      else send({ _tag: "EndOfInput" })
      line = ""
    } else if (c === "\x03") {
      terminal.write("^C\r\n")
      stop()
    } else if (c >= " ") {
      line += c
      terminal.write(c)
    }
  }
})

// ---------------------------------------------------------------------------------------------
// The worker.

let worker: Worker
let phase: "starting" | "idle" | "running" | "stopping" = "starting"
let killTimer: ReturnType<typeof setTimeout> | undefined
let lastStats: Extract<Protocol.Event, { _tag: "Stats" }> | null = null

const isRunning = () => phase === "running" || phase === "stopping"

const send = (command: Protocol.Command) => worker.postMessage(command)

const setStatus = (text: string, kind: "" | "ok" | "error" = "") => {
  status.textContent = text
  status.className = kind
}

const setPhase = (next: typeof phase) => {
  phase = next
  runButton.disabled = next !== "idle"
  stopButton.disabled = next !== "running"
}

const startWorker = () => {
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })
  worker.onmessage = (message: MessageEvent<unknown>) => {
    const decoded = Protocol.decodeEvent(message.data)
    if (Either.isLeft(decoded)) {
      setStatus(`the worker sent a message the page does not understand: ${decoded.left.message}`, "error")
      return
    }
    onEvent(decoded.right)
  }
  worker.onerror = (error) => {
    setStatus(`the worker failed: ${error.message}`, "error")
    setPhase("idle")
  }
}

const finish = () => {
  if (killTimer !== undefined) clearTimeout(killTimer)
  killTimer = undefined
  line = ""
  setPhase("idle")
}

const decoder = new TextDecoder()

const onEvent = (event: Protocol.Event) => {
  switch (event._tag) {
    case "Ready":
      setPhase("idle")
      setStatus("ready")
      return
    case "Output": {
      const text = decoder.decode(event.bytes)
      terminal.write(event.stream === "stderr" ? `\x1b[31m${text}\x1b[0m` : text)
      return
    }
    case "Stages":
      return drawTimeline(event.stages)
    case "AddressSpace":
      return drawMap(event)
    case "Bootstrap":
      return drawBootstrap(event.messages)
    case "Stats":
      return drawStats(event)
    case "Exited": {
      const note = event.note === null ? "" : ` — ${event.note}`
      setStatus(
        `exited with ${event.status}${note}`,
        event.note === null && event.status === 0 ? "ok" : event.note === null ? "" : "error"
      )
      status.dataset.exit = String(event.status)
      status.dataset.returnCode = event.returnCode.toString()
      return finish()
    }
    case "Failed":
      terminal.write(`\x1b[31m${event.message}\x1b[0m\r\n`)
      setStatus(event.message, "error")
      return finish()
  }
}

const run = () => {
  if (phase !== "idle") return
  const program: Protocol.Program = programSelect.value === "" && uploaded !== null
    ? { _tag: "Uploaded", name: uploaded.name, bytes: uploaded.bytes }
    : { _tag: "Packaged", name: programSelect.value }
  const cpu = document.querySelector<HTMLInputElement>("input[name=cpu]:checked")?.value === "interpreter"
    ? "interpreter"
    : "jit"
  const args = splitArguments(argsInput.value)
  const env = envInput.value.split("\n").map((l) => l.trim()).filter((l) => l !== "")
  terminal.reset()
  const quoted = [program.name, ...args].map((a) => (/^[\w./=:,@%+-]+$/.test(a) ? a : JSON.stringify(a)))
  terminal.write(`\x1b[2m$ zxsim run ${quoted.join(" ")} --cpu ${cpu}\x1b[0m\r\n`)
  lastStats = null
  delete status.dataset.exit
  delete status.dataset.returnCode
  drawStats(null)
  setStatus(`running ${program.name}…`)
  setPhase("running")
  send({ _tag: "Run", program, args, env, cpu })
  terminal.focus()
}

/** Kills the program; a worker that does not answer in time is replaced. */
const stop = () => {
  if (phase !== "running") return
  setPhase("stopping")
  setStatus("stopping…")
  send({ _tag: "Kill" })
  killTimer = setTimeout(() => {
    worker.terminate()
    setStatus("stopped: the worker did not answer and was replaced", "error")
    finish()
    setPhase("starting")
    startWorker()
  }, KILL_GRACE_MS)
}

runButton.addEventListener("click", run)
stopButton.addEventListener("click", stop)
argsInput.addEventListener("keydown", (e) => {
  if (e.key === "Enter") run()
})

// ---------------------------------------------------------------------------------------------
// Tabs.

const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>("[role=tab]"))
for (const tab of tabs) {
  tab.addEventListener("click", () => {
    for (const other of tabs) {
      const selected = other === tab
      other.setAttribute("aria-selected", String(selected))
      const panel = document.getElementById(other.getAttribute("aria-controls") ?? "")
      if (panel !== null) panel.hidden = !selected
    }
  })
}

// ---------------------------------------------------------------------------------------------
// Drawing.

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { readonly className?: string; readonly text?: string; readonly title?: string } = {},
  ...children: ReadonlyArray<Node>
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag)
  if (props.className !== undefined) node.className = props.className
  if (props.text !== undefined) node.textContent = props.text
  if (props.title !== undefined) node.title = props.title
  node.append(...children)
  return node
}

/** What the build stages are called on the timeline. */
const stageLabels: Readonly<Record<string, string>> = {
  "Guests.read": "read the ELF file",
  "GuestCommandExecutor.start": "spawn",
  "ProcessBuilder.make": "create process and thread",
  "ProcessBuilder.build": "build",
  "ProcessBuilder.parseHeaders": "parse headers",
  "ProcessBuilder.reserveLowAddressSpace": "reservation",
  "ProcessBuilder.fetchDynamicLinker": "loader: fetch ld.so.1",
  "ProcessBuilder.parseLinkerHeaders": "parse linker headers",
  "ProcessBuilder.loadLinker": "load linker ELF",
  "ProcessBuilder.writeLinkerMessage": "linker message",
  "ProcessBuilder.loadElf": "load ELF",
  "ProcessBuilder.loadVdso": "vDSO",
  "ProcessBuilder.createStack": "stack",
  "ProcessBuilder.writeMainMessage": "main message",
  "ProcessBuilder.destroyReservation": "drop reservation",
  "BuiltProcess.start": "start"
}

const drawTimeline = (stages: ReadonlyArray<Protocol.Stage>) => {
  // Spans that last the whole run (serving the loader) are not build stages.
  const shown = stages.filter((s) => s.durationMs !== null)
  const end = Math.max(0.001, ...shown.map((s) => s.startMs + (s.durationMs ?? 0)))
  timeline.replaceChildren(
    el("p", { className: "empty", text: `${shown.length} spans over ${end.toFixed(2)} ms` }),
    ...shown.map((s) => {
      const bar = el("span", { className: "bar" })
      bar.style.left = `${(s.startMs / end) * 100}%`
      bar.style.width = `${((s.durationMs ?? 0) / end) * 100}%`
      const label = stageLabels[s.name] ?? s.name
      const row = el(
        "div",
        { className: `stage depth-${s.depth}${s.ok ? "" : " failed"}`, title: s.name },
        el("span", { className: "label", text: label }),
        el("span", { className: "track" }, bar),
        el("span", { className: "ms", text: `${(s.durationMs ?? 0).toFixed(2)} ms` })
      )
      row.style.paddingLeft = `${s.depth * 0.7}rem`
      row.dataset.stage = s.name
      return row
    })
  )
}

const hex = (n: number) => `0x${n.toString(16)}`

const perms = (p: number) =>
  `${p & VmOption.PERM_READ ? "r" : "-"}${p & VmOption.PERM_WRITE ? "w" : "-"}${p & VmOption.PERM_EXECUTE ? "x" : "-"}`

const sizeText = (bytes: number) =>
  bytes >= 1 << 30
    ? `${(bytes / 2 ** 30).toFixed(0)} GiB`
    : bytes >= 1 << 20
    ? `${(bytes / 2 ** 20).toFixed(0)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`

const drawMap = (space: Extract<Protocol.Event, { _tag: "AddressSpace" }>) => {
  const largest = Math.log2(Math.max(4096, space.root.size))
  const rows = space.regions.map((r) => {
    const size = el("span", { className: "size" })
    size.style.width = `${Math.max(0.3, ((Math.log2(Math.max(r.size, 4096)) - 11) / (largest - 11)) * 6)}rem`
    const row = el("div", { className: `region ${r._tag === "Vmar" ? "vmar" : "mapping"}` })
    row.style.paddingLeft = `${r.depth * 0.8}rem`
    const range = el("span", { className: "range", text: `${hex(r.base)}–${hex(r.base + r.size)}` })
    if (r._tag === "Vmar") {
      row.append(
        range,
        el("span", { className: "perms", text: perms(r.canMap), title: "what may be mapped in it" }),
        el("span", { className: "what", text: `VMAR koid ${r.koid}, ${sizeText(r.size)}` })
      )
      row.querySelector(".what")?.prepend(size)
      return row
    }
    const p = perms(r.perms)
    const tags: Array<string> = []
    if (r.vmoName.startsWith("vdso/")) tags.push("vDSO")
    if (r.vmoName.startsWith("stack")) tags.push("stack")
    if (r.base <= space.entry && space.entry < r.base + r.size) tags.push("entry")
    if (tags.length > 0) row.classList.add("tagged")
    row.dataset.name = r.vmoName
    row.append(
      range,
      el("span", { className: `perms ${p.includes("x") ? "x" : p.includes("w") ? "w" : ""}`, text: p }),
      el(
        "span",
        {
          className: "what",
          title: `vmo koid ${r.vmoKoid}, offset ${hex(r.vmoOffset)}, ${r.committedPages} pages committed`,
          text: `${r.vmoName === "" ? "(unnamed)" : r.vmoName} · ${sizeText(r.size)}`
        },
        ...tags.map((t) => el("span", { className: "tag", text: t }))
      )
    )
    row.querySelector(".what")?.prepend(size)
    return row
  })
  map.replaceChildren(
    el("p", {
      className: "empty",
      text: `root VMAR ${hex(space.root.base)}–${hex(space.root.base + space.root.size)}; entry ${
        hex(space.entry)
      }, stack pointer ${hex(space.stack)}, vDSO at ${hex(space.vdsoBase)}`
    }),
    ...rows,
    el("details", {}, el("summary", { text: "as zxsim vmaps prints it" }), el("pre", { text: space.text }))
  )
}

const drawBootstrap = (messages: ReadonlyArray<Protocol.BootstrapMessage>) => {
  const list = (title: string, items: ReadonlyArray<string>) =>
    items.length === 0
      ? el("h4", { text: `${title}: none` })
      : el(
        "div",
        {},
        el("h4", { text: `${title} (${items.length})` }),
        el("ol", { className: title.toLowerCase() }, ...items.map((item) => el("li", { text: item })))
      )
  bootstrap.replaceChildren(
    ...messages.map((m) =>
      el(
        "div",
        { className: "message" },
        el("h3", { text: `To the ${m.recipient} · ${m.bytes} bytes, ${m.handles.length} handles` }),
        list("Arguments", m.args),
        list("Environment", m.environment),
        list("Namespace", m.namespace),
        el("h4", { text: "Handles" }),
        el(
          "table",
          { className: "handles" },
          el("tr", {}, el("th", { text: "type" }), el("th", { text: "arg" }), el("th", { text: "object" })),
          ...m.handles.map((h) =>
            el(
              "tr",
              { title: h.type },
              el("td", { text: h.cName }),
              el("td", { text: String(h.arg) }),
              el("td", { text: h.object })
            )
          )
        )
      )
    )
  )
}

const drawStats = (stats: Extract<Protocol.Event, { _tag: "Stats" }> | null) => {
  const set = (id: string, text: string) => element(id, HTMLElement).textContent = text
  if (stats === null) {
    for (const id of ["stat-instructions", "stat-rate", "stat-jit", "stat-syscalls", "stat-time"]) set(id, "–")
    element("stat-jit-bar", HTMLElement).style.width = "0"
    return
  }
  const previous = lastStats
  lastStats = stats
  const rate = previous === null || stats.elapsedMs <= previous.elapsedMs
    ? stats.instructions / Math.max(stats.elapsedMs / 1000, 1e-3)
    : (stats.instructions - previous.instructions) / ((stats.elapsedMs - previous.elapsedMs) / 1000)
  const share = stats.instructions === 0 ? 0 : stats.compiledInstructions / stats.instructions
  set("stat-instructions", stats.instructions.toLocaleString("en"))
  set("stat-rate", rate.toExponential(2))
  set("stat-jit", `${(share * 100).toFixed(1)} %`)
  element("stat-jit-bar", HTMLElement).style.width = `${share * 100}%`
  set("stat-syscalls", stats.syscalls.toLocaleString("en"))
  set("stat-time", `${(stats.elapsedMs / 1000).toFixed(2)} s`)
}

startWorker()
