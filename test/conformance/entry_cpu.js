// Reference run: the same harness on tfjs-backend-cpu.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import './setup_env.js';
import '@tensorflow/tfjs-core/dist/tests';
