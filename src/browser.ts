// The browser bundle (dist/browser.js): one ES module for a plain <script type="module">, no
// bundler and no import map. It carries tfjs-core (exported as `tf`), tfjs-backend-cpu, the WebGPU
// backend (loaded by initBackend), asc and the U-Net.
export * as tf from '@tensorflow/tfjs-core';
export * from './index.js';
export * from './unet/index.js';
