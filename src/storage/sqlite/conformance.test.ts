import { storageConformance } from '../conformance.js';
import { openSqliteStores } from './index.js';

storageConformance('sqlite', (dir) => openSqliteStores(dir));
