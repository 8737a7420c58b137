// Conv2D (and FusedConv2D): NHWC input, HWIO filter, optional bias, fused activation.
// Each output pixel accumulates 16 (then 4, then 1) output channels in registers over every
// in-bounds filter tap and input channel; padding never reaches the inner loop.
import { activateScalar, activateV, applyActivation, isVectorActivation } from "./activation";

export function conv2d(
  x: usize, filter: usize, bias: usize, out: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, activation: i32, alpha: f32,
): void {
  const fused = isVectorActivation(activation) ? activation : 0;
  const alphaV = f32x4.splat(alpha);
  const filterRow = <usize>outC << 2; // bytes from one input channel's weights to the next
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const o = out + ((<usize>((b * outH + oh) * outW + ow) * outC) << 2);
        let co = 0;
        for (; co + 16 <= outC; co += 16) {
          let acc0 = f32x4.splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
          if (bias) {
            const bp = bias + (<usize>co << 2);
            acc0 = v128.load(bp); acc1 = v128.load(bp, 16); acc2 = v128.load(bp, 32); acc3 = v128.load(bp, 48);
          }
          for (let kh = 0; kh < filterH; kh++) {
            const ih = ih0 + kh * dilationH;
            if (<u32>ih >= <u32>inH) continue;
            for (let kw = 0; kw < filterW; kw++) {
              const iw = iw0 + kw * dilationW;
              if (<u32>iw >= <u32>inW) continue;
              let xp = x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
              let wp = filter + ((<usize>((kh * filterW + kw) * inC) * outC + co) << 2);
              for (let ci = 0; ci < inC; ci++) {
                const xv = v128.load32_splat(xp);
                acc0 = f32x4.add(acc0, f32x4.mul(xv, v128.load(wp)));
                acc1 = f32x4.add(acc1, f32x4.mul(xv, v128.load(wp, 16)));
                acc2 = f32x4.add(acc2, f32x4.mul(xv, v128.load(wp, 32)));
                acc3 = f32x4.add(acc3, f32x4.mul(xv, v128.load(wp, 48)));
                xp += 4;
                wp += filterRow;
              }
            }
          }
          const op = o + (<usize>co << 2);
          v128.store(op, activateV(acc0, fused, alphaV));
          v128.store(op, activateV(acc1, fused, alphaV), 16);
          v128.store(op, activateV(acc2, fused, alphaV), 32);
          v128.store(op, activateV(acc3, fused, alphaV), 48);
        }
        for (; co + 4 <= outC; co += 4) {
          let acc = bias ? v128.load(bias + (<usize>co << 2)) : f32x4.splat(0);
          for (let kh = 0; kh < filterH; kh++) {
            const ih = ih0 + kh * dilationH;
            if (<u32>ih >= <u32>inH) continue;
            for (let kw = 0; kw < filterW; kw++) {
              const iw = iw0 + kw * dilationW;
              if (<u32>iw >= <u32>inW) continue;
              let xp = x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
              let wp = filter + ((<usize>((kh * filterW + kw) * inC) * outC + co) << 2);
              for (let ci = 0; ci < inC; ci++) {
                acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(xp), v128.load(wp)));
                xp += 4;
                wp += filterRow;
              }
            }
          }
          v128.store(o + (<usize>co << 2), activateV(acc, fused, alphaV));
        }
        for (; co < outC; co++) {
          let acc: f32 = bias ? load<f32>(bias + (<usize>co << 2)) : 0;
          for (let kh = 0; kh < filterH; kh++) {
            const ih = ih0 + kh * dilationH;
            if (<u32>ih >= <u32>inH) continue;
            for (let kw = 0; kw < filterW; kw++) {
              const iw = iw0 + kw * dilationW;
              if (<u32>iw >= <u32>inW) continue;
              let xp = x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
              let wp = filter + ((<usize>((kh * filterW + kw) * inC) * outC + co) << 2);
              for (let ci = 0; ci < inC; ci++) {
                acc += load<f32>(xp) * load<f32>(wp);
                xp += 4;
                wp += filterRow;
              }
            }
          }
          store<f32>(o + (<usize>co << 2), fused ? activateScalar(acc, fused, alpha) : acc);
        }
      }
    }
  }
  if (!isVectorActivation(activation)) applyActivation(out, out, batch * outH * outW * outC, activation, alpha);
}
