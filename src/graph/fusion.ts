// Fusion passes over the deferred kernel calls of a capture, run when they are flushed. A pass folds
// element-wise calls into the convolution or matmul that produces their input, when every tensor
// it removes was disposed before the flush (so nothing can read it) and is read only inside the
// group. Each pass is a small rewrite of the call list; the counts say which fired. Every fusion
// but the batch norm fold keeps the roundings of the calls it replaces, so fused results equal op by
// op's bit for bit (a bias Add is not folded: the GEMM adds its bias first, not last).
import {NamedAttrMap, NamedTensorInfoMap, TensorInfo, util} from '@tensorflow/tfjs-core';

export interface QueuedCall {
  name: string;
  inputs: NamedTensorInfoMap;
  attrs: NamedAttrMap|undefined;
  /** The outputs handed out when the call was deferred; the kernel's outputs are moved into them. */
  outputs: TensorInfo[];
}

export interface FusionCounts {
  /** An activation kernel (Relu, Relu6, Sigmoid, Elu, LeakyRelu) into the convolution's store. */
  activation: number;
  /** Hard-swish's four calls, x * (relu6(x + 3) / 6) or * (1/6), into the convolution's store. */
  hardSwish: number;
  /** A FusedBatchNorm into the convolution's weights and bias (not bit for bit: the weights are rescaled). */
  batchNorm: number;
  /** A squeeze-excite block's four calls (Mean over H,W, two 1x1 FusedConv2D, Multiply) into one. */
  squeezeExcite: number;
  /** Calls none of whose outputs is read. */
  deadCode: number;
}

export function noFusions(): FusionCounts {
  return {activation: 0, hardSwish: 0, batchNorm: 0, squeezeExcite: 0, deadCode: 0};
}

/** What the passes ask of the data: whether a tensor was disposed, and a materialized scalar's value. */
export interface FusionData {
  dead(dataId: object): boolean;
  scalar(t: TensorInfo): number|null;
  /** Whether a tensor's values exist now (not written by a deferred call). */
  materialized(t: TensorInfo): boolean;
  /** A convolution's filter and bias with a batch norm folded in (cached per filter). */
  foldBatchNorm(filter: TensorInfo, bias: TensorInfo|undefined, norm: BatchNormParams): {filter: TensorInfo, bias: TensorInfo};
}

/** A FusedBatchNorm's parameters: one value per channel each (offset and scale optional). */
export interface BatchNormParams {
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo;
  scale?: TensorInfo;
  varianceEpsilon: number;
}

/** The kernels that can take a fused epilogue, and the fused kernel each becomes. */
const HEADS: Record<string, string> = {
  Conv2D: 'FusedConv2D',
  FusedConv2D: 'FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2D',
  FusedDepthwiseConv2D: 'FusedDepthwiseConv2D',
  BatchMatMul: '_FusedMatMul',
  _FusedMatMul: '_FusedMatMul',
};

/** The kernel a squeeze-excite block becomes (src/kernels/SqueezeExcite.ts). */
export const SQUEEZE_EXCITE = 'SqueezeExcite';

export interface SqueezeExciteInputs {
  x: TensorInfo;
  filter1: TensorInfo;
  bias1?: TensorInfo;
  filter2: TensorInfo;
  bias2?: TensorInfo;
}

/** The replaced calls' attributes (the kernel runs them as they were when its fast path does not apply). */
export interface SqueezeExciteAttrs {
  mean: NamedAttrMap;
  conv1: NamedAttrMap;
  conv2: NamedAttrMap;
  /** The Multiply's first operand was the gate. */
  gateFirst: boolean;
}

const ACTIVATIONS: Record<string, string> = {Relu: 'relu', Relu6: 'relu6', Sigmoid: 'sigmoid', Elu: 'elu', LeakyRelu: 'leakyrelu'};

/** Rewrites `calls` (deferred, in order) into the calls to run; counts what fired into `counts`. */
export function fuse(calls: QueuedCall[], data: FusionData, counts: FusionCounts): QueuedCall[] {
  const graph = new CallGraph(calls.map((c) => ({...c})), data);
  graph.dropDeadCode(counts);
  for (let i = 0; i < graph.calls.length; i++) {
    const head = graph.calls[i];
    if (head == null || HEADS[head.name] == null) continue;
    graph.foldBatchNorm(head, counts);
    while (graph.foldHardSwish(head, counts) || graph.foldXHardSigmoid(head, counts) || graph.foldActivation(head, counts)) {
      // each fold moves the head's output on; try the next one after it
    }
  }
  // After the heads took their activations: a block's two convolutions are FusedConv2D by then.
  for (const call of graph.calls) if (call?.name === 'Mean') graph.foldSqueezeExcite(call, counts);
  return graph.calls.filter((c): c is QueuedCall => c != null);
}

class CallGraph {
  /** Calls reading each tensor (by call index, once per call). */
  private readonly readers = new Map<object, number[]>();

  constructor(readonly calls: Array<QueuedCall|null>, private readonly data: FusionData) {
    calls.forEach((call, i) => {
      for (const key in call!.inputs) {
        const t = call!.inputs[key];
        if (t == null) continue;
        const list = this.readers.get(t.dataId) ?? [];
        if (list[list.length - 1] !== i) list.push(i);
        this.readers.set(t.dataId, list);
      }
    });
  }

  /** Removes calls whose outputs are all disposed and read by no call (last first, so chains go). */
  dropDeadCode(counts: FusionCounts): void {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const call = this.calls[i]!;
      if (!call.outputs.every((t) => this.data.dead(t.dataId) && this.unread(t))) continue;
      this.calls[i] = null;
      counts.deadCode++;
    }
  }

  /** The calls still in the list that read `t`. */
  private readersOf(t: TensorInfo): number[] {
    return (this.readers.get(t.dataId) ?? []).filter((i) => this.calls[i] != null);
  }

  private unread(t: TensorInfo): boolean {
    return (this.readers.get(t.dataId) ?? []).every((i) => this.calls[i] == null);
  }

  /** The one call reading `t`, when `t` was disposed (nothing else can read it). */
  private soleReader(t: TensorInfo): QueuedCall|null {
    if (!this.data.dead(t.dataId)) return null;
    const readers = this.readersOf(t);
    return readers.length === 1 ? this.calls[readers[0]] : null;
  }

  /** A head that can still take an epilogue: linear, no prelu. */
  private static open(head: QueuedCall): boolean {
    const activation = head.attrs?.activation;
    return (activation == null || activation === 'linear') && head.inputs.preluActivationWeights == null;
  }

  /** The head becomes its fused kernel (if it is not already), writing `output` with `attrs` added. */
  private absorb(head: QueuedCall, absorbed: QueuedCall[], output: TensorInfo, attrs: NamedAttrMap): void {
    head.name = HEADS[head.name];
    head.attrs = {...head.attrs, ...attrs};
    head.outputs = [output];
    for (const call of absorbed) this.calls[this.calls.indexOf(call)] = null;
  }

  /** head (a convolution, channels last) → FusedBatchNorm with one parameter value per channel. */
  foldBatchNorm(head: QueuedCall, counts: FusionCounts): boolean {
    if (!CallGraph.open(head) || !/Conv/.test(head.name) || head.attrs?.dataFormat === 'NCHW') return false;
    const out = head.outputs[0];
    const norm = this.soleReader(out);
    if (norm?.name !== 'FusedBatchNorm' || !sameData(norm.inputs.x, out) || !sameShape(norm.outputs[0], out)) return false;
    const channels = out.shape[3];
    const {mean, variance, offset, scale} = norm.inputs;
    const {filter, bias} = head.inputs;
    const params = [mean, variance, offset, scale, filter, bias].filter((t): t is TensorInfo => t != null);
    if (mean == null || variance == null || params.some((t) => t.dtype !== 'float32' || !this.data.materialized(t)) ||
        [mean, variance, offset, scale, bias].some((t) => t != null && (t.shape.length !== 1 || t.shape[0] !== channels)) ||
        (/Depthwise/.test(head.name) && filter.shape[3] !== 1)) {
      return false;
    }
    const folded = this.data.foldBatchNorm(filter, bias, {mean, variance, offset, scale,
      varianceEpsilon: (norm.attrs?.varianceEpsilon as number|undefined) ?? 0.001});
    head.inputs = {...head.inputs, filter: folded.filter, bias: folded.bias};
    this.absorb(head, [norm], norm.outputs[0], {});
    counts.batchNorm++;
    return true;
  }

  /** head → an activation kernel (ClipByValue to [0, 6] is Relu6). */
  foldActivation(head: QueuedCall, counts: FusionCounts): boolean {
    const act = this.soleReader(head.outputs[0]);
    if (act == null || !sameShape(act.outputs[0], head.outputs[0])) return false;
    const relu6 = act.name === 'Relu6' ||
        (act.name === 'ClipByValue' && act.attrs?.clipValueMin === 0 && act.attrs?.clipValueMax === 6);
    const open = CallGraph.open(head);
    // Relu then a clip to [0, 6] (tfjs-layers' ReLU with maxValue 6) is relu6 bit for bit, as is relu6 again.
    const clamped = head.attrs?.activation === 'relu' || head.attrs?.activation === 'relu6';
    const activation = relu6 && (open || clamped) ? 'relu6' : open ? ACTIVATIONS[act.name] : undefined;
    if (activation == null) return false;
    this.absorb(head, [act], act.outputs[0], {activation, leakyreluAlpha: act.attrs?.alpha ?? 0});
    counts.activation++;
    return true;
  }

  /**
   * head (out x) → Add(x, 3) → Relu6 → RealDiv(·, d) or Multiply(·, s) → Multiply(x, ·): the
   * activation 'hardswishdiv' (alpha d) or 'hardswish' (alpha s), the same roundings.
   */
  foldHardSwish(head: QueuedCall, counts: FusionCounts): boolean {
    if (!CallGraph.open(head)) return false;
    const x = head.outputs[0];
    if (!this.data.dead(x.dataId) || this.readersOf(x).length !== 2) return false;
    const [add, mul] = this.readersOf(x).map((i) => this.calls[i]!);
    if (add.name !== 'Add' || this.operandWith(add, x, 3) == null) return false;
    const relu6 = this.soleReader(add.outputs[0]);
    if (relu6?.name !== 'Relu6') return false;
    const scale = this.soleReader(relu6.outputs[0]);
    const r = relu6.outputs[0];
    let activation: string, alpha: number|null = null;
    if (scale?.name === 'RealDiv' && sameData(scale.inputs.a, r) && sameShape(scale.outputs[0], x)) {
      activation = 'hardswishdiv';
      alpha = this.data.scalar(scale.inputs.b);
    } else if (scale?.name === 'Multiply') {
      activation = 'hardswish';
      alpha = this.operandWith(scale, r, null);
    } else {
      return false;
    }
    if (alpha == null || this.soleReader(scale.outputs[0]) !== mul || mul.name !== 'Multiply' ||
        !sameOperands(mul, x, scale.outputs[0]) || !sameShape(mul.outputs[0], x)) {
      return false;
    }
    this.absorb(head, [add, relu6, scale, mul], mul.outputs[0], {activation, leakyreluAlpha: alpha});
    counts.hardSwish++;
    return true;
  }

  /**
   * head → tfjs-layers' hard-swish, x times its hard sigmoid: Multiply(x, s) → Add(·, 0.5) →
   * ClipByValue(·, 0, 1) → Multiply(x, ·).
   */
  foldXHardSigmoid(head: QueuedCall, counts: FusionCounts): boolean {
    if (!CallGraph.open(head)) return false;
    const x = head.outputs[0];
    if (!this.data.dead(x.dataId) || this.readersOf(x).length !== 2) return false;
    const [slope, mul] = this.readersOf(x).map((i) => this.calls[i]!);
    const alpha = slope.name === 'Multiply' ? this.operandWith(slope, x, null) : null;
    const add = this.soleReader(slope.outputs[0]);
    if (alpha == null || add?.name !== 'Add' || this.operandWith(add, slope.outputs[0], 0.5) == null) return false;
    const clip = this.soleReader(add.outputs[0]);
    if (clip?.name !== 'ClipByValue' || clip.attrs?.clipValueMin !== 0 || clip.attrs?.clipValueMax !== 1 ||
        !sameShape(clip.outputs[0], x) || this.soleReader(clip.outputs[0]) !== mul || mul.name !== 'Multiply' ||
        !sameOperands(mul, x, clip.outputs[0]) || !sameShape(mul.outputs[0], x)) {
      return false;
    }
    this.absorb(head, [slope, add, clip, mul], mul.outputs[0], {activation: 'xhardsigmoid', leakyreluAlpha: alpha});
    counts.hardSwish++;
    return true;
  }

  /**
   * Mean(x over H,W) → FusedConv2D 1x1 (C → S) → FusedConv2D 1x1 (S → C) → Multiply(x, ·): one
   * SqueezeExcite call where the Multiply was. The pooled channels may reach the first convolution
   * reshaped to [N, 1, 1, C] (tfjs-layers pools without keepDims: its Reshape shares the data). The
   * kernel checks the rest (filters, bias, padding).
   */
  foldSqueezeExcite(mean: QueuedCall, counts: FusionCounts): boolean {
    const x = mean.inputs.x;
    if (x == null || x.dtype !== 'float32' || x.shape.length !== 4) return false;
    const axes = util.parseAxisParam(mean.attrs?.axis as number|number[], x.shape).sort((p, q) => p - q);
    if (!util.arraysEqual(axes, [1, 2])) return false;
    const [batch, , , channels] = x.shape;
    const fc1 = this.soleReader(mean.outputs[0]);
    if (!CallGraph.pointwise(fc1, mean.outputs[0], channels) ||
        !util.arraysEqual(fc1!.inputs.x.shape, [batch, 1, 1, channels])) {
      return false;
    }
    const squeezed = fc1!.inputs.filter.shape[3];
    const fc2 = this.soleReader(fc1!.outputs[0]);
    if (!CallGraph.pointwise(fc2, fc1!.outputs[0], squeezed) || fc2!.inputs.filter.shape[3] !== channels) return false;
    const gate = fc2!.outputs[0];
    const mul = this.soleReader(gate);
    if (mul?.name !== 'Multiply' || !sameOperands(mul, x, gate) || !sameShape(mul.outputs[0], x) ||
        mul.outputs[0].dtype !== 'float32') {
      return false;
    }
    const inputs: SqueezeExciteInputs = {x, filter1: fc1!.inputs.filter, bias1: fc1!.inputs.bias,
      filter2: fc2!.inputs.filter, bias2: fc2!.inputs.bias};
    const attrs: SqueezeExciteAttrs = {mean: mean.attrs, conv1: fc1!.attrs ?? {}, conv2: fc2!.attrs ?? {},
      gateFirst: sameData(mul.inputs.a, gate)};
    this.calls[this.calls.indexOf(mul)] = {name: SQUEEZE_EXCITE, inputs: inputs as unknown as NamedTensorInfoMap,
      attrs: attrs as unknown as NamedAttrMap, outputs: mul.outputs};
    for (const call of [mean, fc1!, fc2!]) this.calls[this.calls.indexOf(call)] = null;
    counts.squeezeExcite++;
    return true;
  }

  /** Whether `call` is a FusedConv2D with a 1x1 filter of `inChannels` inputs reading `v`, no prelu. */
  private static pointwise(call: QueuedCall|null, v: TensorInfo, inChannels: number): boolean {
    const filter = call?.inputs.filter;
    return call?.name === 'FusedConv2D' && sameData(call.inputs.x, v) && call.inputs.preluActivationWeights == null &&
        filter != null && filter.shape.length === 4 && filter.shape[0] === 1 && filter.shape[1] === 1 &&
        filter.shape[2] === inChannels;
  }

  /** The scalar other operand of a binary `call` on `t` (its value, or null); `want` the value it must have. */
  private operandWith(call: QueuedCall, t: TensorInfo, want: number|null): number|null {
    const other = otherOperand(call, t);
    if (other == null || !sameShape(call.outputs[0], t)) return null;
    const value = this.data.scalar(other);
    return value != null && (want == null || value === want) ? value : null;
  }

}

// Inputs are the engine's tensors, outputs the infos handed to it: the same data have the same dataId.
function sameData(a: TensorInfo|undefined, b: TensorInfo): boolean {
  return a != null && a.dataId === b.dataId;
}

/** A binary call's operand other than `t` (null when `t` is not exactly one of them). */
function otherOperand(call: QueuedCall, t: TensorInfo): TensorInfo|null {
  const {a, b} = call.inputs;
  if (sameData(a, t) === sameData(b, t)) return null;
  return sameData(a, t) ? b : a;
}

function sameOperands(call: QueuedCall, p: TensorInfo, q: TensorInfo): boolean {
  const {a, b} = call.inputs;
  return (sameData(a, p) && sameData(b, q)) || (sameData(a, q) && sameData(b, p));
}

function sameShape(a: TensorInfo, b: TensorInfo): boolean {
  return util.arraysEqual(a.shape, b.shape);
}
