/** Every command the extension contributes; package.json lists the same ids (a test checks both ways). */
export const CommandIds = {
  generateApp: 'appgen.generateApp',
  runBatch: 'appgen.runBatch',
  createBatchFile: 'appgen.createBatchFile',
  cancelJob: 'appgen.cancelJob',
  retryJob: 'appgen.retryJob',
  openApp: 'appgen.openApp',
  openAppFolder: 'appgen.openAppFolder',
  revealInExplorer: 'appgen.revealInExplorer',
  showRawResponse: 'appgen.showRawResponse',
  showPrompt: 'appgen.showPrompt',
  showAnswer: 'appgen.showAnswer',
  compare: 'appgen.compare',
  compareDiff: 'appgen.compareDiff',
  exportResults: 'appgen.exportResults',
  checkApp: 'appgen.checkApp',
  showLogs: 'appgen.showLogs',
  restartDaemon: 'appgen.restartDaemon',
  setApiKey: 'appgen.setApiKey',
  clearApiKey: 'appgen.clearApiKey',
  importLegacyHistory: 'appgen.importLegacyHistory',
  refresh: 'appgen.refresh',
  resumeQueue: 'appgen.resumeQueue',
  openBatchReport: 'appgen.openBatchReport',
  cancelBatch: 'appgen.cancelBatch',
  retryFailed: 'appgen.retryFailed',
  showPreviousVersions: 'appgen.showPreviousVersions',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** The jobs tree view and its container. */
export const VIEW_CONTAINER_ID = 'appgen';
export const JOBS_VIEW_ID = 'appgen.jobs';
