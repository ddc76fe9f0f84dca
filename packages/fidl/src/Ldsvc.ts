/**
 * The wire declarations of `fuchsia.ldsvc/Loader`, the protocol through which a process (its
 * builder first, then its dynamic linker) fetches shared objects as VMOs. Closed protocol, every
 * method strict, so the wire shapes stay simple enough for the C dynamic linker to hand-build.
 *
 * @since 0.1.0
 */
import * as Protocol from "./Protocol.js"
import * as Wire from "./Wire.js"

/**
 * The longest object name or config string the protocol accepts (`string:1024`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_NAME_LENGTH = 1024

/**
 * `LoadObject(object_name string:1024)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const LoadObjectRequest = Wire.struct({ objectName: Wire.string(MAX_NAME_LENGTH) }, {
  name: "LoaderLoadObjectRequest"
})

/**
 * `-> (rv zx.Status, object zx.Handle:<VMO, optional>)`: the status, and the VMO when it is OK.
 *
 * @since 0.1.0
 * @category utils
 */
export const LoadObjectResponse = Wire.struct(
  { rv: Wire.status, object: Wire.optional(Wire.handle("VMO")) },
  { name: "LoaderLoadObjectResponse" }
)

/**
 * `Config(config string:1024)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ConfigRequest = Wire.struct({ config: Wire.string(MAX_NAME_LENGTH) }, { name: "LoaderConfigRequest" })

/**
 * `-> (rv zx.Status)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ConfigResponse = Wire.struct({ rv: Wire.status }, { name: "LoaderConfigResponse" })

/**
 * `Clone(loader server_end:Loader)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const CloneRequest = Wire.struct({ loader: Wire.endpoint }, { name: "LoaderCloneRequest" })

/**
 * `-> (rv zx.Status)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const CloneResponse = Wire.struct({ rv: Wire.status }, { name: "LoaderCloneResponse" })

/**
 * `fuchsia.ldsvc/Loader`: Done, LoadObject, Config, Clone.
 *
 * @since 0.1.0
 * @category utils
 */
export const Loader = Protocol.make("fuchsia.ldsvc", "Loader", {
  /** Asks the server to close the connection. One-way. */
  Done: Protocol.oneWay(Wire.empty),
  /** Looks up a shared object by name and answers with an executable VMO of it. */
  LoadObject: Protocol.twoWay(LoadObjectRequest, LoadObjectResponse),
  /** Sets the subdirectory searched first (`"x"`) or exclusively (`"x!"`) by later lookups. */
  Config: Protocol.twoWay(ConfigRequest, ConfigResponse),
  /** Connects another channel to the same loader. */
  Clone: Protocol.twoWay(CloneRequest, CloneResponse)
})
