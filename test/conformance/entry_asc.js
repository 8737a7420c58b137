// The suite on `asc`, imported as users import it (gradients come with the package).
import '../../dist/index.js';
import './setup_env.js';
import '@tensorflow/tfjs-core/dist/tests';
