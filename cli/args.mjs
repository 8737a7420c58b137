// Command-line parsing shared by the commands.
import {parseArgs} from 'node:util';

/** A usage error: exit code 2, with the command's help. */
export class UsageError extends Error {}

/** Parses `args` for a command; --help prints `help` and returns null. */
export function parseCommand(args, options, help, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({args, options: {...options, help: {type: 'boolean', short: 'h'}}, allowPositionals, strict: true});
  } catch (e) {
    throw new UsageError(e.message);
  }
  if (parsed.values.help) {
    console.log(help);
    return null;
  }
  return parsed;
}

/** A number option, checked. */
export function numberOption(values, name, {integer = false, min = -Infinity, max = Infinity} = {}) {
  const raw = values[name];
  if (raw == null) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}
