import type { ChargerCommandService } from '../api/commands/chargerCommandService.js';
import type { DeliverToCharger } from '../app/deliverToCharger.js';

/**
 * Commands for the parts that react to chargers' calls: they are made before the command service
 * (which needs the gateway's router), and send through it once it runs.
 */
export function commandsWhenReady(actor: string): {
  deliver: DeliverToCharger;
  ready(commands: ChargerCommandService, timeoutMs: number): void;
} {
  let send: DeliverToCharger | undefined;
  return {
    deliver: (identity, command, about) => {
      if (!send) return Promise.reject(new Error('commands to chargers are not running yet'));
      return send(identity, command, about);
    },
    ready: (commands, timeoutMs) => {
      send = (identity, command, about) =>
        commands.sendCommand(identity, command, timeoutMs, { actor }, about);
    },
  };
}
