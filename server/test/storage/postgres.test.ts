import { afterAll } from 'vitest';
import { describeStorageContract } from './contract.ts';
import { describeStoresContract } from './contract-stores.ts';
import { closeAdmin, createSharedSchema } from './postgres-fixtures.ts';

const shared = createSharedSchema();
afterAll(async () => {
  await shared.drop();
  await closeAdmin();
});

describeStorageContract('postgres', shared.open);
describeStoresContract('postgres', shared.open);
