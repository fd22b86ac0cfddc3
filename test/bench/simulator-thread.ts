/**
 * The benchmark's simulator, on a worker thread of its own. In the benchmark's main thread it would
 * share an event loop with the JSON-RPC client, and every notification the client parses would
 * delay an answer: the delay would be measured as the daemon's overhead.
 *
 * Loaded on the main thread, this module exports `startSimulatorThread`; loaded as the worker, it
 * runs the simulator and tells the main thread its URL.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DEFAULT_PRICING } from '../../daemon/simulator/simulated-models';
import { type RandomFaults, startSimulator } from '../../daemon/simulator/simulator';

export interface SimulatorThreadOptions {
  /** The wait before every answer. */
  latencyMs: number;
  /** About how large each answer is. */
  answerBytes: number;
  /** The model that answers with app code of that size. */
  model: string;
  /** The model answers as the simulator's own models do (apps from the prompt's specification), whatever their size. */
  simulatedAnswers?: boolean;
  /** A share of that model's requests fails. */
  faults?: RandomFaults;
  /** Model ids `GET /models` lists (at the simulator's default prices) instead of its own list. */
  models?: string[];
}

export interface SimulatorThread {
  url: string;
  /** How many chat requests got each kind of reply so far. */
  served: () => Promise<Record<string, number>>;
  close: () => Promise<void>;
}

export async function startSimulatorThread(options: SimulatorThreadOptions): Promise<SimulatorThread> {
  // The worker runs this same TypeScript file, compiled by tsx as the benchmark itself is.
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`;
  const worker = new Worker(boot, { eval: true, workerData: options });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the simulator thread exited with ${code}`)));
  });
  return {
    url,
    served: () =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('served');
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** About `bytes` of plausible code in one annotated block, so the merger has real work. */
export function answerOfSize(component: 'backend' | 'frontend', bytes: number): string {
  const line =
    component === 'backend'
      ? "    items.append({'id': len(items) + 1, 'title': payload.get('title', ''), 'done': False})\n"
      : '  const [items, setItems] = useState([]); // keeps the list the API returned\n';
  const body = line.repeat(Math.max(1, Math.floor(bytes / line.length)));
  return component === 'backend'
    ? `\`\`\`python app.py\nfrom flask import Flask, jsonify\napp = Flask(__name__)\n\n@app.get('/api/health')\ndef health():\n    items = []\n    payload = {}\n${body}    return jsonify(status='ok')\n\`\`\`\n`
    : `\`\`\`jsx src/App.jsx\nimport { useState } from 'react';\nimport axios from 'axios';\nexport default function App() {\n${body}  return null;\n}\n\`\`\`\n`;
}

async function serve(options: SimulatorThreadOptions): Promise<void> {
  const sim = await startSimulator({
    latencyMs: options.latencyMs,
    ...(options.models
      ? {
          models: options.models.map((id) => ({
            id,
            name: id,
            ...DEFAULT_PRICING,
            contextLength: 128_000,
          })),
        }
      : {}),
  });
  sim.setModelBehavior(options.model, {
    ...(options.faults ? { randomFaults: options.faults } : {}),
    ...(options.simulatedAnswers
      ? {}
      : {
          content: (messages: { content: string }[]) =>
            answerOfSize(
              /React|frontend/.test(messages[0]?.content ?? '') ? 'frontend' : 'backend',
              options.answerBytes,
            ),
        }),
  });
  parentPort!.on('message', (message) => {
    if (message !== 'served') return;
    const counts: Record<string, number> = {};
    for (const request of sim.chatRequests) {
      const kind = request.served ?? 'none';
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    parentPort!.postMessage(counts);
  });
  parentPort!.postMessage(sim.url);
}

if (!isMainThread && parentPort) {
  void serve(workerData as SimulatorThreadOptions);
}
