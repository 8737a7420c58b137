#!/usr/bin/env node
// asc-unet: segment images with the shipped U-Net, train one, benchmark, or say what this machine
// offers. Exit codes: 0 ok, 1 failure, 2 usage error.
import './relaxed_simd.mjs';
import {UsageError} from './args.mjs';
import {bench} from './bench.mjs';
import {info} from './info.mjs';
import {segment} from './segment.mjs';
import {train} from './train.mjs';

const COMMANDS = {segment, info, train, bench};
const USAGE = `asc-unet: U-Net image segmentation on the tfjs-backend-asc CPU backend (or WebGPU)

Usage: asc-unet <command> [options]   (asc-unet <command> --help for its options)

Commands:
  segment [images...]   segment PNG/JPEG images (the bundled sample when none is given)
  info                  what this machine offers (SIMD, relaxed SIMD, threads, WebGPU) and what would be chosen
  train                 train a U-Net on the synthetic cell images, on asc
  bench                 time the U-Net on each available backend`;

async function main(argv) {
  const [command, ...rest] = argv;
  if (command == null || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command == null ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run == null) throw new UsageError(`unknown command '${command}'`);
  return (await run(rest)) ?? 0;
}

main(process.argv.slice(2)).then((code) => process.exitCode = code, (e) => {
  if (e instanceof UsageError) {
    console.error(`asc-unet: ${e.message}\n(asc-unet --help for usage)`);
    process.exitCode = 2;
  } else {
    console.error(`asc-unet: ${e.message}`);
    process.exitCode = 1;
  }
});
