// Compiles mlchain's contracts (MlchainRegistry.sol, MlchainGovernance.sol, MlchainCatalogue.sol) with the solc pinned in
// tests/peers and writes the artifacts that mlchain embeds (the build needs no compiler and no network).
//
//   node contracts/compile.mjs                     writes contracts/<Contract>.json for each of them
//   node contracts/compile.mjs CONTRACT OUTPUT     writes CONTRACT's artifact to OUTPUT (to compare it)
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

const pinnedVersion = '0.8.28+commit.7893614a';
// Every contract mlchain embeds, with the sources it needs (entered under fixed names, see above).
const contracts = [
  { contractName: 'MlchainRegistry', sources: ['MlchainRegistry.sol'] },
  { contractName: 'MlchainGovernance', sources: ['MlchainGovernance.sol', 'GovernanceInterfaces.sol'] },
  { contractName: 'MlchainCatalogue', sources: ['MlchainCatalogue.sol'] },
];
// paris: the last EVM version without PUSH0, which some L2s and older chains still reject.
const baseSettings = {
  evmVersion: 'paris',
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: 'ipfs' },
};

const version = solc.version();
if (!version.startsWith(pinnedVersion)) {
  console.error(`compile.mjs: solc ${version} is not the pinned ${pinnedVersion} (run cmake/install-deps.sh test)`);
  process.exit(1);
}

// Each contract is compiled on its own, from exactly its sources, so its metadata (and bytecode) does not
// change when another contract's source does.
function compile({ contractName, sources }) {
  const sourceName = `contracts/${sources[0]}`;
  const settings = {
    ...baseSettings,
    outputSelection: { [sourceName]: { [contractName]: ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
  };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(sources.map((file) => [`contracts/${file}`, { content: readFileSync(join(here, file), 'utf8') }])),
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
  return {
    contractName,
    sourceName,
    compiler: { name: 'solc', version },
    settings: baseSettings,
    abi: contract.abi,
    methodIdentifiers: contract.evm.methodIdentifiers,
    bytecode: '0x' + contract.evm.bytecode.object,
    deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
  };
}

// With no argument every artifact is written next to its source; `CONTRACT OUTPUT` writes one elsewhere.
const [only, target] = process.argv.slice(2);
if (only !== undefined && !contracts.some((c) => c.contractName === only)) {
  console.error(`compile.mjs: no contract ${only}; known: ${contracts.map((c) => c.contractName).join(', ')}`);
  process.exit(2);
}
for (const entry of contracts) {
  if (only !== undefined && entry.contractName !== only) continue;
  const artifact = compile(entry);
  const path = target ?? join(here, `${entry.contractName}.json`);
  writeFileSync(path, JSON.stringify(artifact, null, 2) + '\n');
  console.log(`${path}: ${(artifact.bytecode.length - 2) / 2} bytes of creation code, ` +
              `${(artifact.deployedBytecode.length - 2) / 2} deployed, solc ${version}`);
}
