// One kernel call as a capture segment records it: enough to recognize the call when a later
// inference repeats it, and to give its outputs' shapes before the kernel runs.
import {DataType, NamedAttrMap, NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';

/** An input: where it comes from (`role`: the segment's output number, or EXTERNAL) and its form. */
export interface RecordedInput {
  key: string;
  role: number;
  shape: number[];
  dtype: DataType;
}

export interface RecordedCall {
  name: string;
  attrs: NamedAttrMap|undefined;
  inputs: RecordedInput[];
  /** The outputs the call made (none aliasing an input). */
  outputs: Array<{shape: number[], dtype: DataType}>;
  returnsArray: boolean;
  /** Whether a repeat of the call may be deferred: a wasm kernel whose outputs are all new numeric data. */
  deferrable: boolean;
  /** Inputs given as lists of tensors (RaggedGather's): such a call is never taken for a repeat. */
  listInputs: boolean;
}

/** An input that no earlier call of the segment made (a weight, the model's input, a constant). */
export const EXTERNAL = -1;

const NUMERIC: ReadonlySet<DataType> = new Set(['float32', 'int32', 'bool']);

/** Numbers a segment's data: output k of the segment is role k (EXTERNAL for data it did not make). */
export interface Roles {
  of(dataId: object): number;
  /** Gives `dataId` the next role. */
  give(dataId: object): void;
}

/** Describes a call that ran; gives its new outputs the next roles. */
export function recordCall(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap|undefined,
    out: TensorInfo|TensorInfo[], wasmKernel: boolean, roles: Roles): RecordedCall {
  const recorded: RecordedInput[] = [];
  let listInputs = false;
  for (const key in inputs) {
    const t = inputs[key];
    if (Array.isArray(t)) listInputs = true;
    else if (t != null) recorded.push({key, role: roles.of(t.dataId), shape: t.shape, dtype: t.dtype});
  }
  const outs = Array.isArray(out) ? out : [out];
  const fresh = assignRoles(inputs, outs, roles);
  return {
    name, attrs, inputs: recorded, returnsArray: Array.isArray(out), listInputs,
    outputs: outs.map((t) => ({shape: t.shape, dtype: t.dtype})),
    deferrable: wasmKernel && !listInputs && fresh === outs.length && outs.every((t) => NUMERIC.has(t.dtype)),
  };
}

/** Gives the outputs that are new data (not an input, not seen before) the next roles; returns how many. */
export function assignRoles(inputs: NamedTensorInfoMap, outs: TensorInfo[], roles: Roles): number {
  let fresh = 0;
  for (const t of outs) {
    if (roles.of(t.dataId) !== EXTERNAL || isInput(inputs, t.dataId)) continue;
    roles.give(t.dataId);
    fresh++;
  }
  return fresh;
}

export function isInput(inputs: NamedTensorInfoMap, dataId: object): boolean {
  for (const key in inputs) if (inputs[key]?.dataId === dataId) return true;
  return false;
}

/** Whether a call repeats `recorded`: the same kernel, attributes, input shapes and input roles. */
export function repeats(recorded: RecordedCall, name: string, inputs: NamedTensorInfoMap,
    attrs: NamedAttrMap|undefined, roles: Roles): boolean {
  if (recorded.name !== name || recorded.listInputs || !sameValue(recorded.attrs, attrs)) return false;
  let count = 0;
  for (const key in inputs) if (inputs[key] != null) count++;
  if (count !== recorded.inputs.length) return false;
  for (const r of recorded.inputs) {
    const t = inputs[r.key];
    if (t == null || t.dtype !== r.dtype || !sameValue(t.shape, r.shape) ||
        roles.of(t.dataId) !== r.role) {
      return false;
    }
  }
  return true;
}

/** Attribute values: numbers, strings, booleans, null, and arrays and plain objects of them. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a == null || b == null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  // Counting keys with for-in: no key arrays allocated (this runs for every call of a replay).
  let keys = 0;
  for (const k in a) {
    if (!sameValue((a as NamedAttrMap)[k], (b as NamedAttrMap)[k])) return false;
    keys++;
  }
  for (const k in b) if (--keys < 0 || !(k in a)) return false;
  return keys === 0;
}

/** The key plans are found by: the first call's kernel and input shapes. */
export function planKey(name: string, inputs: NamedTensorInfoMap): string {
  let key = name;
  for (const k in inputs) {
    const t = inputs[k];
    if (t != null && !Array.isArray(t)) key += `|${k}:${t.shape.join('x')}`;
  }
  return key;
}
