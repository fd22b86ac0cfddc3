/** Reads `appgen.*` from VS Code's configuration into the typed settings of config-reader. */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../shared/settings';
import { type AppGenSettings, readSettings, type SettingLookup } from './config-reader';

/**
 * A lookup that returns a setting only where the user set it (folder, workspace or user scope),
 * so the daemon's own defaults and environment stay in force otherwise.
 */
export function settingLookup(scope?: vscode.Uri): SettingLookup {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return (key) => {
    const inspected = config.inspect(key);
    if (!inspected) return undefined;
    return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
  };
}

/** Settings for a folder, with the extension's own defaults where unset (models, grouping). */
export function folderSettings(scope?: vscode.Uri): AppGenSettings {
  return readSettings(settingLookup(scope));
}
