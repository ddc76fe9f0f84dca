/**
 * processargs codec throughput: encode and decode of a typical bootstrap message (10 arguments,
 * 10 environment variables, 4 namespace paths, 8 handle infos) and of one of about 64 KiB, each
 * next to `Buffer.copy` of the same number of bytes measured in the same run.
 *
 * @since 0.1.0
 */
import type { MessageContents } from "@zxsim/processargs"
import { CString, HandleInfo, Message } from "@zxsim/processargs"
import * as Either from "effect/Either"
import { type Entry, opsPerSecond, type Row } from "../Bench.js"

// Each rate is the best of ROUNDS interleaved runs of MEASURE_MS, so a busy moment on a shared
// machine hits subject and peer alike instead of skewing one of them.
const MEASURE_MS = 250
const ROUNDS = 4
const c = (text: string): CString.CString => CString.unsafeFromString(text)

const typical: MessageContents.MessageData = {
  args: [
    c("/pkg/bin/server"),
    c("--config=/pkg/data/server.json"),
    c("--log-level=info"),
    c("--threads=4"),
    c("--listen=[::]:8080"),
    c("--cache-dir=/cache/server"),
    c("--verbose"),
    c("--name=primary"),
    c("--timeout-ms=30000"),
    c("input.txt")
  ],
  environmentVars: [
    c("PATH=/bin:/pkg/bin"),
    c("HOME=/data"),
    c("LANG=en_US.UTF-8"),
    c("TERM=xterm-256color"),
    c("TZ=UTC"),
    c("LD_DEBUG=0"),
    c("USER=fuchsia"),
    c("SHELL=/boot/bin/sh"),
    c("TMPDIR=/tmp"),
    c("RUST_BACKTRACE=1")
  ],
  namespacePaths: [c("/pkg"), c("/data"), c("/svc"), c("/tmp")],
  handleInfos: [
    HandleInfo.unsafeMake("NamespaceDirectory", 0),
    HandleInfo.unsafeMake("NamespaceDirectory", 1),
    HandleInfo.unsafeMake("NamespaceDirectory", 2),
    HandleInfo.unsafeMake("NamespaceDirectory", 3),
    HandleInfo.unsafeMake("FileDescriptor", 1),
    HandleInfo.unsafeMake("FileDescriptor", 2),
    HandleInfo.unsafeMake("DefaultJob"),
    HandleInfo.unsafeMake("ClockUtc")
  ]
}

// One argument filling the message to exactly 65,536 bytes: header, the argument, its NUL.
const large: MessageContents.MessageData = {
  args: [c("a".repeat(Message.MAX_MESSAGE_BYTES - Message.HEADER_SIZE - 1))],
  environmentVars: [],
  namespacePaths: [],
  handleInfos: []
}

let sink = 0

const copier = (bytes: number): () => void => {
  const source = Buffer.alloc(bytes, 0x61)
  const target = Buffer.alloc(bytes)
  return () => {
    source.copy(target, 0, 0, bytes)
    sink ^= target[bytes >> 1]
  }
}

const mb = (rate: number, bytes: number): number => (rate * bytes) / 1e6

const measure = (label: string, data: MessageContents.MessageData, perMessageRows: boolean): Array<Row> => {
  const encoded = Either.getOrThrow(Message.encode(data))
  const size = encoded.length
  const handles = data.handleInfos.length
  const reused = new Uint8Array(size)
  const subjects = {
    peer: copier(size),
    encode: () => {
      sink ^= Either.getOrThrow(Message.encode(data)).length
    },
    encodeInto: () => {
      sink ^= Either.getOrThrow(Message.encodeInto(data, reused))
    },
    decode: () => {
      sink ^= Either.getOrThrow(Message.parse(encoded, handles)).args.length
    }
  }
  const best = { peer: 0, encode: 0, encodeInto: 0, decode: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of ["peer", "encode", "encodeInto", "decode"] as const) {
      best[key] = Math.max(best[key], opsPerSecond(subjects[key], MEASURE_MS))
    }
  }
  const { decode, encode, encodeInto, peer } = best
  const name = (what: string) => `processargs ${what} ${label} (${size} B)`
  const rows: Array<Row> = []
  if (perMessageRows) {
    rows.push(
      { name: name("encode"), unit: "msgs/s", subject: encode, peerName: "Buffer.copy", peer },
      { name: name("encodeInto"), unit: "msgs/s", subject: encodeInto, peerName: "Buffer.copy", peer },
      { name: name("decode"), unit: "msgs/s", subject: decode, peerName: "Buffer.copy", peer }
    )
  }
  rows.push(
    {
      name: name("encode"),
      unit: "MB/s",
      subject: mb(encode, size),
      peerName: "Buffer.copy",
      peer: mb(peer, size),
      notes: "allocates the message"
    },
    {
      name: name("encodeInto"),
      unit: "MB/s",
      subject: mb(encodeInto, size),
      peerName: "Buffer.copy",
      peer: mb(peer, size),
      notes: "into a reused buffer, as Buffer.copy"
    },
    {
      name: name("decode"),
      unit: "MB/s",
      subject: mb(decode, size),
      peerName: "Buffer.copy",
      peer: mb(peer, size),
      notes: "strings are views"
    }
  )
  return rows
}

/** The processargs entry of `npm run bench`. */
export const entry: Entry = {
  name: "processargs",
  run: async () => {
    const rows = [...measure("typical", typical, true), ...measure("64 KiB", large, false)]
    if (sink === 0x7fffffff) process.stdout.write("")
    return rows
  }
}
