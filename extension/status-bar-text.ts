/** The status bar item's text for given counts: spinning while anything runs or waits. */
export function statusBarText(running: number, queued: number): string {
  if (running + queued === 0) return '$(rocket) AppGen';
  const parts: string[] = [];
  if (running > 0) parts.push(`${running} running`);
  if (queued > 0) parts.push(`${queued} queued`);
  return `$(sync~spin) AppGen: ${parts.join(', ')}`;
}
