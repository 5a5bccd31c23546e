/** Tells whether the process can serve traffic (its database answers). Bound by the composition root. */
export abstract class ReadinessCheck {
  abstract isReady(): Promise<boolean>;
}
