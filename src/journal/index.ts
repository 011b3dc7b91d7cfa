export {
  isJournalOpenError,
  isJournalRotateError,
  Journal,
  JOURNAL_DEFAULTS,
  JournalOpenError,
  JournalRotateError,
  type JournalEvent,
  type JournalOptions,
  type JournalWriteFailure,
} from './journal.ts';
export { journalFiles, readJournal, type InvalidJournalLine, type JournalContents } from './read-journal.ts';
export { rotatedPath } from './rotate.ts';
