// Compiles MlchainRegistry.sol with the solc pinned in tests/peers and writes the artifact that mlchain
// embeds (the build needs no compiler and no network).
//
//   node contracts/compile.mjs [OUTPUT]      (OUTPUT defaults to contracts/MlchainRegistry.json)
//
// The output is a function of the source text and the settings below only: the source enters the
// standard JSON under a fixed name (not its path on this machine), so the metadata hash appended to the
// bytecode, and therefore the whole artifact, is the same wherever it is compiled. Keeping that hash
// lets anyone match a deployed registry against this source (Sourcify-style verification).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'peers', 'package.json'));
const solc = require('solc');

const sourceName = 'contracts/MlchainRegistry.sol';
const contractName = 'MlchainRegistry';
const pinnedVersion = '0.8.28+commit.7893614a';
// paris: the last EVM version without PUSH0, which some L2s and older chains still reject.
const settings = {
  evmVersion: 'paris',
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: { [sourceName]: { [contractName]: ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
};

const version = solc.version();
if (!version.startsWith(pinnedVersion)) {
  console.error(`compile.mjs: solc ${version} is not the pinned ${pinnedVersion} (run cmake/install-deps.sh test)`);
  process.exit(1);
}

const input = {
  language: 'Solidity',
  sources: { [sourceName]: { content: readFileSync(join(here, 'MlchainRegistry.sol'), 'utf8') } },
  settings,
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
// Warnings fail the build too: the artifact is committed, so it should come from a source that compiles cleanly.
const problems = output.errors ?? [];
if (problems.length > 0) {
  for (const problem of problems) console.error(problem.formattedMessage);
  process.exit(1);
}
const contract = output.contracts[sourceName][contractName];

const { outputSelection, ...recordedSettings } = settings;
const artifact = {
  contractName,
  sourceName,
  compiler: { name: 'solc', version },
  settings: recordedSettings,
  abi: contract.abi,
  methodIdentifiers: contract.evm.methodIdentifiers,
  bytecode: '0x' + contract.evm.bytecode.object,
  deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
};
const target = process.argv[2] ?? join(here, 'MlchainRegistry.json');
writeFileSync(target, JSON.stringify(artifact, null, 2) + '\n');
console.log(`${target}: ${contract.evm.bytecode.object.length / 2} bytes of creation code, ` +
            `${contract.evm.deployedBytecode.object.length / 2} deployed, solc ${version}`);
