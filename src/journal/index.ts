export { isJournalOpenError, Journal, JournalOpenError, type JournalEvent, type JournalWriteFailure } from './journal.ts';
export { readJournal, type InvalidJournalLine, type JournalContents } from './read-journal.ts';
