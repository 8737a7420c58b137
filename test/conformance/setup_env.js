// Registers the single test environment before tfjs-core's test files call describeWithFlags.
import {setTestEnvs} from '@tensorflow/tfjs-core/dist/jasmine_util';

const backendName = globalThis.__CONFORMANCE_BACKEND__;
setTestEnvs([{name: backendName, backendName, flags: {}, isDataSync: true}]);
