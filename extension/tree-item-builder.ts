/** Turns tree-model nodes into VS Code tree items: icons, descriptions, tooltips, menus, click. */
import * as vscode from 'vscode';
import { CommandIds } from './command-ids';
import { jobContextValue, jobDescription, jobIcon, jobLabel, jobTooltipMarkdown } from './job-presentation';
import { batchContextValue, type TreeNode } from './tree-model';

export function buildTreeItem(node: TreeNode, now: Date): vscode.TreeItem {
  if (node.kind !== 'job') {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.kind === 'group' && node.batch ? batchContextValue(node.batch) : node.kind;
    item.iconPath = new vscode.ThemeIcon(
      node.kind === 'folder'
        ? 'root-folder'
        : node.id.includes('#model:')
          ? 'hubot'
          : node.id.includes('#template:')
            ? 'symbol-file'
            : 'layers',
    );
    return item;
  }
  const { job } = node;
  const item = new vscode.TreeItem(jobLabel(job), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = jobDescription(job, now);
  const icon = jobIcon(job);
  item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
  item.contextValue = jobContextValue(job);
  item.tooltip = new vscode.MarkdownString(jobTooltipMarkdown(job, now));
  item.accessibilityInformation = { label: `${jobLabel(job)}, ${job.status}, ${item.description}` };
  if (job.status === 'succeeded') {
    item.command = { command: CommandIds.openApp, title: 'Open App', arguments: [node] };
  }
  return item;
}
