// happy-dom ships no IndexedDB; the client core caches through it.
import 'fake-indexeddb/auto';
