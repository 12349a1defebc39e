// The demo's unit tests (pure logic); its servers are tested end to end in tests/integration.
module.exports = require('../scripts/jest/nodeWorkspace.cjs')();
