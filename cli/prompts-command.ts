/**
 * `appgen prompts --template <slug> [--component backend|frontend] [--json]`: prints the prompts a
 * job of the template would send, exactly (system then user, per component), with their hash, so a
 * researcher can read what a changed prompt file does before spending anything on it.
 */
import type * as P from '../shared/protocol';
import { PromptsRenderRequest } from '../shared/protocol';
import { type CliContext, describeError, readingDaemon } from './commands';

/** The line that opens each text; the text follows it exactly, then a line break. */
export function promptMarker(component: string, role: 'system' | 'user'): string {
  return `===== ${component} ${role} =====`;
}

export async function prompts(
  ctx: CliContext,
  options: { template: string; component?: 'backend' | 'frontend'; json: boolean },
): Promise<number> {
  return readingDaemon(ctx, async (link) => {
    let result: P.PromptsRenderResult;
    try {
      result = await link.connection.sendRequest(PromptsRenderRequest, {
        templateSlug: options.template,
        ...(options.component ? { component: options.component } : {}),
      });
    } catch (error) {
      ctx.err.write(`${describeError(error)}\n`);
      return 2;
    }
    if (options.json) {
      ctx.out.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `Prompts of ${options.template}, as a job sends them`,
      `Prompt hash: ${result.hash}`,
      `Overridden prompt files: ${result.overridden.length > 0 ? result.overridden.join(', ') : 'none'}`,
    ];
    if (result.prompts.some((p) => p.component === 'frontend')) {
      lines.push(
        "The frontend prompt lists the routes the template declares; a job's lists the routes its backend serves.",
      );
    }
    lines.push('');
    for (const prompt of result.prompts) {
      lines.push(promptMarker(prompt.component, 'system'), prompt.system);
      lines.push(promptMarker(prompt.component, 'user'), prompt.user);
    }
    lines.push('===== end =====');
    ctx.out.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
