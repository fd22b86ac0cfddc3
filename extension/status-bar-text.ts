/**
 * The status bar item's text for given counts: spinning while anything runs or waits, and a pause
 * sign instead of a spinner while the queue is paused (nothing starts until the user resumes).
 */
export function statusBarText(running: number, queued: number, pausedReason?: string): string {
  if (pausedReason !== undefined) {
    const why = /\b402\b/.test(pausedReason)
      ? ' (402)'
      : /\bno OpenRouter API key\b/i.test(pausedReason)
        ? ' (no key)'
        : '';
    return `$(debug-pause) AppGen: paused${why}${queued > 0 ? `, ${queued} waiting` : ''}`;
  }
  if (running + queued === 0) return '$(rocket) AppGen';
  const parts: string[] = [];
  if (running > 0) parts.push(`${running} running`);
  if (queued > 0) parts.push(`${queued} queued`);
  return `$(sync~spin) AppGen: ${parts.join(', ')}`;
}
