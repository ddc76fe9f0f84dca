/** `--name value` command-line options of the cluster example's programs. */

/** The value after `--name` on the command line, if given. */
export const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}
