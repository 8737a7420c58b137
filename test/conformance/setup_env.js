// Registers the single test environment before tfjs-core's test files call describeWithFlags.
import {setTestEnvs} from '@tensorflow/tfjs-core/dist/jasmine_util';

const backendName = globalThis.__CONFORMANCE_BACKEND__;
// webgpu reads asynchronously: Node has no synchronous read of a GPU buffer.
setTestEnvs([{name: backendName, backendName, flags: {}, isDataSync: backendName !== 'webgpu'}]);
