// Node-side unit tests; the shared setup is in scripts/jest/nodeWorkspace.cjs.
module.exports = require('../scripts/jest/nodeWorkspace.cjs')();
