import { notifierStoreContract } from '../../src/store/notify/contract.js';
import { MongoNotifierStore } from '../../src/store/notify/mongo.js';
import { freshDb, mongoUri } from './env.js';

// The same contract as the in-memory store, on FerretDB (SQLite) or the MongoDB in MONGODB_URI.
notifierStoreContract('MongoDB', async () => new MongoNotifierStore({ uri: mongoUri(), db: freshDb('contract') }));
