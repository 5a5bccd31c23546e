// Child processes of the bench: every one is tracked by PID, stopped by PID,
// and killed when the bench exits for any reason.
import { spawn } from 'node:child_process';

const running = new Set();

function killAll() {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Spawns a child and tracks it until it exits. */
export function spawnTracked(command, args, options) {
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));

  return child;
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export async function stopChild(child, name, graceMs = 15_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }

  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }

  const timer = setTimeout(() => {
    console.error(`bench: ${name} (pid ${child.pid}) did not stop within ${graceMs} ms, sending SIGKILL`);
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a Node script that prints one JSON line last on stdout and resolves with
 * it. Kills the script after `timeoutMs`.
 */
export function runJsonScript(script, args, { env = process.env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));

    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }, timeoutMs);

    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = output.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} exited with ${code ?? signal} without a JSON result: ${output.slice(-300)}`));
      }
    });
  });
}
