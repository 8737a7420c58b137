// The module's float32 unary functions (assembly/kernels/unary_math.ts): one export each, all
// taking (x, out, alpha, beta, begin, end). Listed here for the thread pool's kernel table.
export const UNARY_FLOAT32_KERNELS = [
  'unarySqrt', 'unarySquare', 'unaryStep', 'unaryNeg', 'unaryAbs', 'unaryExp', 'unaryLog', 'unarySigmoid', 'unaryTanh',
  'unaryElu', 'unarySelu', 'unaryLeakyRelu', 'unaryClip', 'unaryRsqrt', 'unaryReciprocal', 'unarySoftplus', 'unaryErf',
] as const;
export type UnaryFloat32Kernel = typeof UNARY_FLOAT32_KERNELS[number];
