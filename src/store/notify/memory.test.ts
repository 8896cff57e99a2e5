import { notifierStoreContract } from './contract.js';
import { MemoryNotifierStore } from './memory.js';

notifierStoreContract('in-memory', async () => new MemoryNotifierStore());
